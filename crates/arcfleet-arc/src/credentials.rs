//! GitHub credentials as ARC reads them from the Secret a scale set's `githubConfigSecret` names
//! (`apis/actions.github.com/v1alpha1/appconfig/appconfig.go:FromSecret` and `Validate`).

/// A personal access token.
pub const TOKEN: &str = "github_token";
/// The App's id or client id.
pub const APP_ID: &str = "github_app_id";
/// The App's installation id (a base-10 integer).
pub const APP_INSTALLATION_ID: &str = "github_app_installation_id";
/// The App's private key (PEM).
pub const APP_PRIVATE_KEY: &str = "github_app_private_key";
/// The three App keys.
pub const APP_KEYS: [&str; 3] = [APP_ID, APP_INSTALLATION_ID, APP_PRIVATE_KEY];
/// Every key ARC reads.
pub const KEYS: [&str; 4] = [TOKEN, APP_ID, APP_INSTALLATION_ID, APP_PRIVATE_KEY];

/// Key names seen in blog posts and secret stores that ARC ignores, with the key it reads.
pub const LOOK_ALIKES: &[(&str, &str)] = &[
    ("app_id", APP_ID),
    ("appid", APP_ID),
    ("app-id", APP_ID),
    ("github-app-id", APP_ID),
    ("client_id", APP_ID),
    ("installation_id", APP_INSTALLATION_ID),
    ("installation-id", APP_INSTALLATION_ID),
    ("github_app_installation", APP_INSTALLATION_ID),
    ("github-app-installation-id", APP_INSTALLATION_ID),
    ("private_key", APP_PRIVATE_KEY),
    ("private-key", APP_PRIVATE_KEY),
    ("privatekey", APP_PRIVATE_KEY),
    ("github_app_key", APP_PRIVATE_KEY),
    ("github-app-private-key", APP_PRIVATE_KEY),
    ("token", TOKEN),
    ("github-token", TOKEN),
    ("github_pat", TOKEN),
    ("pat", TOKEN),
];

/// The key ARC reads in place of look-alike `key` (case-insensitive).
pub fn look_alike(key: &str) -> Option<&'static str> {
    LOOK_ALIKES
        .iter()
        .find(|(alike, _)| alike.eq_ignore_ascii_case(key))
        .map(|(_, real)| *real)
}

/// What a set of non-empty credential keys amounts to for ARC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A token alone (a token beside an incomplete App is used alone too).
    Token,
    /// A complete App.
    App,
    /// A token and a complete App: ARC refuses both at once.
    Both,
    /// Some App keys without a token; the listed ones are missing.
    IncompleteApp(Vec<&'static str>),
    /// None of the keys ARC reads.
    Nothing,
}

/// Judges the keys present (with non-empty values) the way `AppConfig.Validate` does.
pub fn judge<'k>(keys: impl IntoIterator<Item = &'k str>) -> Verdict {
    let keys: Vec<&str> = keys.into_iter().collect();
    let has = |k: &str| keys.contains(&k);
    let app: Vec<&'static str> = APP_KEYS.iter().copied().filter(|k| has(k)).collect();
    match (has(TOKEN), app.len()) {
        (true, 3) => Verdict::Both,
        (true, _) => Verdict::Token,
        (false, 3) => Verdict::App,
        (false, 0) => Verdict::Nothing,
        (false, _) => {
            Verdict::IncompleteApp(APP_KEYS.iter().copied().filter(|k| !has(k)).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judged_like_app_config_validate() {
        assert_eq!(judge([TOKEN]), Verdict::Token);
        assert_eq!(judge([TOKEN, APP_ID]), Verdict::Token);
        assert_eq!(judge(KEYS), Verdict::Both);
        assert_eq!(judge(APP_KEYS), Verdict::App);
        assert_eq!(
            judge([APP_ID]),
            Verdict::IncompleteApp(vec![APP_INSTALLATION_ID, APP_PRIVATE_KEY])
        );
        assert_eq!(judge(["app_id"]), Verdict::Nothing);
        assert_eq!(look_alike("Private_Key"), Some(APP_PRIVATE_KEY));
    }
}
