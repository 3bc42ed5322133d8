//! The e-mails essor sends — an invitation, a password-reset link — and the one way it sends
//! them: [`Mailer`], over SMTP (`lettre`) to the server of `--smtp smtp://host:port`, or,
//! without one, into the server's log (`tracing`, info level), so that an instance without
//! mail still works: its administrator reads the link there and hands it on.
//!
//! Plain SMTP only (no TLS stack in the binary): essor hands its mail to a relay it trusts,
//! on the same machine or network (Postfix, an SMTP relay of the hosting), which delivers it.
//! Messages are French plain text; the link is the only secret in them and is never logged
//! when the message was sent.

use essor_store::registry::{Account, Invitation};
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

/// An e-mail to send.
#[derive(Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    /// Plain text; it holds a secret link.
    pub body: String,
}

impl std::fmt::Debug for Mail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mail")
            .field("to", &self.to)
            .field("subject", &self.subject)
            .field("body", &"<secret link>")
            .finish()
    }
}

/// Why an e-mail could not be configured or sent. Messages are French.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MailError {
    #[error(
        "--smtp « {url} » : adresse smtp://hôte:port attendue (ex. smtp://127.0.0.1:25, smtp://utilisateur:mot-de-passe@relais.example.fr:587) : {reason}"
    )]
    Url { url: String, reason: String },
    #[error("adresse d'expéditeur ou de destinataire « {address} » illisible : {reason}")]
    Address { address: String, reason: String },
    #[error("envoi du courriel à {to} impossible : {reason}")]
    Send { to: String, reason: String },
}

/// Where e-mails go.
#[derive(Clone)]
pub struct Mailer {
    smtp: Option<Smtp>,
    from: Mailbox,
}

#[derive(Clone)]
struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    /// The server's address without credentials, for messages.
    shown: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

/// The sender when none is configured.
pub const DEFAULT_FROM: &str = "essor <ne-pas-repondre@localhost>";

impl Default for Mailer {
    fn default() -> Self {
        Self::log_only()
    }
}

impl Mailer {
    /// No SMTP server: every e-mail is written to the log instead.
    pub fn log_only() -> Self {
        Self {
            smtp: None,
            from: DEFAULT_FROM.parse().expect("a valid default sender"),
        }
    }

    /// E-mails sent through the SMTP server of `url` (`smtp://[user:password@]host[:port]`,
    /// port 25 by default), from `from` (default [`DEFAULT_FROM`]).
    pub fn smtp(url: &str, from: Option<&str>) -> Result<Self, MailError> {
        let bad = |reason: &str| MailError::Url {
            url: redact(url),
            reason: reason.to_owned(),
        };
        let rest = url
            .strip_prefix("smtp://")
            .ok_or_else(|| bad("seul smtp:// est pris en charge (relais sans TLS)"))?;
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains(['/', '?', '#']) {
            return Err(bad("ni chemin, ni « ? », ni « # »"));
        }
        let (credentials, server) = match rest.rsplit_once('@') {
            Some((c, s)) => (Some(c), s),
            None => (None, rest),
        };
        let (host, port) = match server.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || server.starts_with('[') => {
                (h, p.parse::<u16>().map_err(|_| bad("port illisible"))?)
            }
            _ => (server, 25),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err(bad("nom d'hôte manquant"));
        }
        let mut builder =
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host.to_owned()).port(port);
        if let Some(c) = credentials {
            let (user, password) = c.split_once(':').unwrap_or((c, ""));
            builder = builder.credentials(Credentials::new(
                percent_decode(user),
                percent_decode(password),
            ));
        }
        let from = match from {
            Some(f) => f.parse::<Mailbox>().map_err(|e| MailError::Address {
                address: f.to_owned(),
                reason: e.to_string(),
            })?,
            None => DEFAULT_FROM.parse().expect("a valid default sender"),
        };
        Ok(Self {
            smtp: Some(Smtp {
                transport: builder.build(),
                shown: format!("smtp://{host}:{port}"),
            }),
            from,
        })
    }

    /// True when e-mails really leave (an SMTP server is configured).
    pub fn sends(&self) -> bool {
        self.smtp.is_some()
    }

    /// Where e-mails go, in French, for the server's banner.
    pub fn describe(&self) -> String {
        match &self.smtp {
            Some(s) => format!("courriels envoyés par {} (expéditeur {})", s.shown, self.from),
            None => "aucun serveur SMTP (--smtp) : les liens d'invitation et de réinitialisation sont écrits dans le journal du serveur".to_owned(),
        }
    }

    /// Sends `mail`; without SMTP, writes it (link included) to the log at info level.
    pub async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        let Some(smtp) = &self.smtp else {
            tracing::info!(
                to = %mail.to,
                subject = %mail.subject,
                "e-mail not sent (no SMTP server configured); its text follows:\n{}",
                mail.body
            );
            return Ok(());
        };
        let to = mail.to.parse::<Mailbox>().map_err(|e| MailError::Address {
            address: mail.to.clone(),
            reason: e.to_string(),
        })?;
        let message = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&mail.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|e| MailError::Send {
                to: mail.to.clone(),
                reason: e.to_string(),
            })?;
        smtp.transport
            .send(message)
            .await
            .map_err(|e| MailError::Send {
                to: mail.to.clone(),
                reason: e.to_string(),
            })?;
        tracing::info!(to = %mail.to, subject = %mail.subject, "e-mail sent");
        Ok(())
    }
}

/// The invitation of `invitation`, whose link is `link`.
pub fn invitation(invitation: &Invitation, link: &str) -> Mail {
    let what = if invitation.account_exists {
        "Vous avez déjà un compte sur essor : ouvrez ce lien pour accepter ce rôle, puis connectez-vous comme d'habitude."
    } else {
        "Ouvrez ce lien pour choisir votre nom affiché et votre mot de passe ; vous pourrez ensuite vous connecter avec votre adresse électronique."
    };
    Mail {
        to: invitation.email.clone(),
        subject: format!(
            "Invitation à rejoindre « {} » sur essor",
            invitation.organisation_name
        ),
        body: format!(
            "Bonjour,\n\n\
             Vous êtes invité·e à rejoindre « {organisation} » sur essor, comme {role}.\n\n\
             {what}\n\n\
             {link}\n\n\
             Ce lien ne sert qu'une fois et expire le {until} (heure UTC). Si vous n'attendiez pas cette invitation, ignorez ce message.\n\n\
             -- \nessor, l'observatoire de l'économie sociale et solidaire des quartiers\n",
            organisation = invitation.organisation_name,
            role = invitation.role.label(),
            until = readable(&invitation.expires_at),
        ),
    }
}

/// The password-reset e-mail of `account`, whose link is `link`, valid until `expires_at`.
pub fn password_reset(account: &Account, link: &str, expires_at: &str) -> Mail {
    Mail {
        to: account.email.clone(),
        subject: "Réinitialisation de votre mot de passe essor".to_owned(),
        body: format!(
            "Bonjour {name},\n\n\
             Quelqu'un (vous, sans doute) a demandé à changer le mot de passe de votre compte essor. Ouvrez ce lien pour en choisir un nouveau :\n\n\
             {link}\n\n\
             Ce lien ne sert qu'une fois et expire le {until} (heure UTC). Choisir un nouveau mot de passe ferme toutes vos sessions ouvertes.\n\n\
             Si vous n'avez rien demandé, ignorez ce message : votre mot de passe reste le même.\n\n\
             -- \nessor, l'observatoire de l'économie sociale et solidaire des quartiers\n",
            name = account.display_name,
            until = readable(expires_at),
        ),
    }
}

/// `2026-03-09T08:05:07Z` as `2026-03-09 à 08:05`.
fn readable(stamp: &str) -> String {
    let text = stamp.replace('T', " à ");
    text.get(..text.len().saturating_sub(4))
        .unwrap_or(&text)
        .to_owned()
}

/// `url` without the password of its credentials.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}***{}", &url[..s + 3], &url[at..]),
        _ => url.to_owned(),
    }
}

/// `%XX` escapes of a URL's credentials decoded (an `@` or `:` in a password).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_addresses_are_read_and_others_refused_in_french() {
        let m = Mailer::smtp("smtp://127.0.0.1:2525", Some("essor <essor@rennes.fr>")).unwrap();
        assert!(m.sends());
        assert_eq!(
            m.describe(),
            "courriels envoyés par smtp://127.0.0.1:2525 (expéditeur essor <essor@rennes.fr>)"
        );
        let m = Mailer::smtp("smtp://essor:p%40ss@relais.example.fr/", None).unwrap();
        assert_eq!(
            m.describe(),
            format!(
                "courriels envoyés par smtp://relais.example.fr:25 (expéditeur {DEFAULT_FROM})"
            )
        );
        for (bad, why) in [
            ("smtps://relais.example.fr", "seul smtp://"),
            ("relais.example.fr:25", "seul smtp://"),
            ("smtp://relais.example.fr:vingt", "port illisible"),
            ("smtp://:25", "nom d'hôte manquant"),
            ("smtp://u:secret@h:25/x", "ni chemin"),
        ] {
            let e = Mailer::smtp(bad, None).unwrap_err().to_string();
            assert!(e.contains(why), "{bad}: {e}");
            assert!(!e.contains("secret"), "{e}");
        }
        assert!(Mailer::smtp("smtp://h", Some("pas une adresse")).is_err());
        assert!(!Mailer::log_only().sends());
    }

    #[test]
    fn credentials_are_percent_decoded() {
        assert_eq!(percent_decode("p%40ss%3Aw"), "p@ss:w");
        assert_eq!(percent_decode("100%"), "100%");
    }

    #[test]
    fn the_debug_of_a_mail_hides_its_link() {
        let mail = Mail {
            to: "a@b.fr".into(),
            subject: "s".into(),
            body: "https://essor.example.fr/reinitialiser/abc".into(),
        };
        assert!(!format!("{mail:?}").contains("abc"));
        assert_eq!(readable("2026-03-09T08:05:07Z"), "2026-03-09 à 08:05");
    }
}
