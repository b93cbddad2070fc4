//! Typed settings: `config/default.toml`, then an optional file named by `MATCHTOUR_CONFIG`,
//! then `MATCHTOUR__SECTION__KEY` environment variables (and `DATABASE_URL`).

use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub mail: MailSettings,
    pub solver: SolverSettings,
    #[serde(default)]
    pub auth: AuthSettings,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AuthSettings {
    /// Anyone may sign up as an organiser; otherwise only the first organiser, and then
    /// colleagues added by a signed-in organiser.
    #[serde(default)]
    pub open_signup: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    pub public_url: String,
    pub max_body_bytes: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DatabaseSettings {
    pub url: String,
    pub pool_size: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailTransportKind {
    File,
    Smtp,
    Memory,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MailSettings {
    pub transport: MailTransportKind,
    pub from: String,
    pub file_dir: PathBuf,
    pub smtp: SmtpSettings,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    None,
    Starttls,
    Tls,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: String,
    pub password: String,
    pub pool_size: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SolverSettings {
    pub time_limit_seconds: f64,
}

#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(#[from] Box<figment::Error>);

/// The defaults compiled into the binary, so that it runs from any directory.
const DEFAULT_TOML: &str = include_str!("../config/default.toml");

impl Settings {
    /// Loads the layered configuration from the process environment.
    pub fn load() -> Result<Self, ConfigError> {
        let extra = std::env::var_os("MATCHTOUR_CONFIG").map(PathBuf::from);
        Self::load_from(extra.as_deref())
    }

    pub fn load_from(extra_file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut figment = Figment::new().merge(Toml::string(DEFAULT_TOML));
        if let Some(path) = extra_file {
            figment = figment.merge(Toml::file(path));
        }
        figment = figment.merge(Env::prefixed("MATCHTOUR__").split("__"));
        if let Ok(url) = std::env::var("DATABASE_URL") {
            if !url.is_empty() {
                figment = figment.merge(Serialized::default("database.url", url));
            }
        }
        figment.extract().map_err(|e| ConfigError(Box::new(e)))
    }

    pub fn bind_address(&self) -> (String, u16) {
        (self.server.host.clone(), self.server.port)
    }
}

#[cfg(test)]
// figment's Jail closures return its large error type; that is its API, not ours.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;

    #[test]
    fn defaults_load_and_env_overrides_win() {
        figment::Jail::expect_with(|jail| {
            jail.clear_env();
            jail.set_env("MATCHTOUR__SERVER__PORT", "9123");
            jail.set_env("MATCHTOUR__MAIL__TRANSPORT", "memory");
            let settings = Settings::load_from(None).expect("config loads");
            assert_eq!(settings.server.port, 9123);
            assert_eq!(settings.mail.transport, MailTransportKind::Memory);
            assert!(settings.database.url.starts_with("sqlite://"));
            Ok(())
        });
    }

    #[test]
    fn a_layered_file_overrides_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.clear_env();
            jail.create_file("extra.toml", "[solver]\ntime_limit_seconds = 3.5\n")?;
            let settings =
                Settings::load_from(Some(Path::new("extra.toml"))).expect("config loads");
            assert_eq!(settings.solver.time_limit_seconds, 3.5);
            Ok(())
        });
    }
}
