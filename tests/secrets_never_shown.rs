//! No secret value reaches any output: every format of `arcfleet validate`, over inputs that
//! write a recognisable credential in every place users write one, with rules firing on those
//! very lines.

use std::process::Command;

/// A token, a password and a key body no report may contain.
const TOKEN: &str = "ghp_SECRETMARKER0000000000000000000000042";
const PASSWORD: &str = "PASSWORDMARKER-hunter2-0042";
const KEY_LINE: &str = "KEYMARKERMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lg";

fn inputs() -> Vec<(&'static str, String)> {
    let key = format!(
        "-----BEGIN RSA PRIVATE KEY-----\n      {KEY_LINE}\n      -----END RSA PRIVATE KEY-----"
    );
    vec![
        (
            "values.yaml",
            format!(
                "githubConfigUrl: https://github.com/acme\ngithubConfigSecret:\n  github_token: {TOKEN}\n"
            ),
        ),
        (
            "flow-values.yaml",
            format!(
                "githubConfigUrl: https://github.com/acme\ngithubConfigSecret: {{github_token: {TOKEN}, github_app_id: 1}}\n"
            ),
        ),
        (
            "secret.yaml",
            format!(
                "apiVersion: v1\nkind: Secret\nmetadata: {{name: creds, namespace: ci}}\nstringData:\n  github_token: {TOKEN}\n  password: {PASSWORD}\n  unknownField: 1\nunknownTopField: {{password: {PASSWORD}}}\n"
            ),
        ),
        (
            "secret-data.yaml",
            format!(
                "apiVersion: v1\nkind: Secret\nmetadata: {{name: creds-b64, namespace: ci}}\ndata:\n  github_token: {}\n  bad: [not, a, string]\n",
                base64_of(TOKEN)
            ),
        ),
        (
            "helmrelease.yaml",
            format!(
                "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {{name: runners, namespace: ci}}\nspec:\n  chart: {{spec: {{chart: gha-runner-scale-set, version: 0.14.2}}}}\n  values:\n    githubConfigUrl: https://github.com/acme\n    githubConfigSecret:\n      github_app_id: \"1\"\n      github_app_private_key: |\n        {}\n",
                key.replace("\n      ", "\n        ")
            ),
        ),
        (
            "application.yaml",
            format!(
                "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: runners}}\nspec:\n  destination: {{namespace: ci}}\n  source:\n    repoURL: ghcr.io/actions/actions-runner-controller-charts\n    chart: gha-runner-scale-set\n    targetRevision: 0.14.2\n    helm:\n      values: |\n        githubConfigUrl: https://github.com/acme\n        githubConfigSecret:\n          github_token: {TOKEN}\n"
            ),
        ),
        (
            "deployment.yaml",
            format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: tool, namespace: ci}}\nspec:\n  selector: {{matchLabels: {{a: b}}}}\n  template:\n    metadata: {{labels: {{a: b}}}}\n    spec:\n      containers:\n        - name: tool\n          image: tool:latest\n          env:\n            - {{name: GITHUB_TOKEN, value: {TOKEN}}}\n            - {{name: DB_PASSWORD, value: {PASSWORD}}}\n"
            ),
        ),
    ]
}

fn base64_of(text: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = text.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n =
            chunk.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn no_format_shows_a_secret_value() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in inputs() {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let markers = [
        TOKEN.to_string(),
        PASSWORD.to_string(),
        KEY_LINE.to_string(),
        base64_of(TOKEN),
    ];
    for format in ["human", "json", "sarif", "junit", "github"] {
        let out = Command::new(env!("CARGO_BIN_EXE_arcfleet"))
            .args(["validate", dir.path().to_str().unwrap(), "--format", format])
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        // The rules did look at these lines: the test is not passing on silence.
        assert!(
            all.contains("plaintext-secret") && all.contains("schema"),
            "{format}: {all}"
        );
        for marker in &markers {
            assert!(
                !all.contains(marker.as_str()),
                "{format} shows `{marker}`:\n{all}"
            );
        }
    }
}
