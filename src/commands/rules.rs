//! `arcfleet rules` and `arcfleet explain`.

use std::io::Write;

use anyhow::{Result, bail};

use crate::Outcome;

pub fn list() -> Result<Outcome> {
    let mut out = std::io::stdout().lock();
    for meta in arcfleet_validate::catalog() {
        writeln!(
            out,
            "{:<26} {:<8} {}",
            meta.id,
            meta.default_severity.as_str(),
            meta.summary
        )?;
    }
    Ok(Outcome::Clean)
}

pub fn explain(id: &str) -> Result<Outcome> {
    let Some(meta) = arcfleet_validate::find_rule(id) else {
        let ids: Vec<&str> = arcfleet_validate::catalog().iter().map(|m| m.id).collect();
        match arcfleet_yaml::closest(id, &ids) {
            Some(near) => {
                bail!("no rule `{id}`; did you mean `{near}`? (`arcfleet rules` lists them)")
            }
            None => bail!("no rule `{id}` (`arcfleet rules` lists them)"),
        }
    };
    writeln!(
        std::io::stdout(),
        "{} ({} by default)\n\n{}\n\n{}",
        meta.id,
        meta.default_severity,
        meta.summary,
        meta.doc_text()
    )?;
    Ok(Outcome::Clean)
}
