//! `essor admin`: administration of an instance from the command line, as essor itself (the
//! `admin` task principal, in every audit row): `purge` erases the names and contacts of
//! referrals past their retention, as the server does every day; `creer-organisation`,
//! `creer-compte`, `inviter` and `donner-role` set up who may act; `audit` writes the audit
//! log out.

use crate::args::{
    AdminArgs, AdminCommand, AuditArgs, CreateAccountArgs, CreateOrganisationArgs, GrantRoleArgs,
    InviteArgs, ListAccountsArgs, PurgeArgs, RegistryTarget,
};
use anyhow::{Context, Result};
use essor_model::{OrganisationKind, Role, TerritoryLevel, TerritoryRef};
use essor_store::registry::{
    Channel, FILE_NAME, NewAccount, NewInvitation, NewOrganisation, Principal, Registry, Retention,
};
use std::process::ExitCode;

pub fn run(args: AdminArgs) -> Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("démarrage du moteur d'exécution")?;
    runtime.block_on(async {
        match args.command {
            AdminCommand::Purge(args) => purge(args).await,
            AdminCommand::CreateOrganisation(args) => create_organisation(args).await,
            AdminCommand::CreateAccount(args) => create_account(args).await,
            AdminCommand::Invite(args) => invite(args).await,
            AdminCommand::GrantRole(args) => grant_role(args).await,
            AdminCommand::Audit(args) => audit(args).await,
            AdminCommand::ListAccounts(args) => list_accounts(args).await,
        }
    })
}

/// The registry of `--store` (which must hold one) or `--registre`.
async fn open(target: &RegistryTarget) -> Result<Registry> {
    Ok(match (&target.registry, &target.store) {
        (Some(url), _) => Registry::connect(url).await?,
        (None, Some(store)) => {
            let path = store.join(FILE_NAME);
            if !path.is_file() {
                anyhow::bail!(
                    "{} : aucun registre (il est créé par `essor serve --store {}`)",
                    path.display(),
                    store.display()
                );
            }
            Registry::open(&path).await?
        }
        (None, None) => anyhow::bail!("--store DOSSIER ou --registre URL attendu"),
    })
}

fn task() -> Principal {
    Principal::system("admin")
}

async fn purge(args: PurgeArgs) -> Result<ExitCode> {
    let retention: Retention = args.retention.retention();
    let registry = open(&args.target).await?.with_retention(retention);
    let n = registry
        .purge()
        .await
        .with_context(|| format!("{} : effacement impossible", registry.location()))?;
    registry.close().await;
    eprintln!(
        "essor admin purge : noms et contacts de {} mises en relation effacés (sans changement depuis plus de {} mois) dans {}.",
        crate::text::count(n),
        retention.contact_months,
        registry.location()
    );
    Ok(ExitCode::SUCCESS)
}

async fn create_organisation(args: CreateOrganisationArgs) -> Result<ExitCode> {
    let kind = OrganisationKind::parse(&args.kind).with_context(|| {
        format!(
            "--type « {} » inconnu ; types : {}",
            args.kind,
            OrganisationKind::ALL
                .map(OrganisationKind::as_str)
                .join(", ")
        )
    })?;
    let territories = args
        .territories
        .iter()
        .map(|t| {
            t.split_once(':')
                .and_then(|(level, code)| {
                    TerritoryLevel::from_code(level).map(|l| TerritoryRef::new(l, code))
                })
                .with_context(|| {
                    format!(
                        "--territoire « {t} » : NIVEAU:CODE attendu (commune:35238, qpv:QN03502M…)"
                    )
                })
        })
        .collect::<Result<Vec<_>>>()?;
    let registry = open(&args.target).await?;
    let org = registry
        .create_organisation(
            NewOrganisation {
                kind,
                name: args.name,
                siret: args.siret,
                territories,
            },
            &task(),
            Channel::Task,
        )
        .await?;
    registry.close().await;
    eprintln!(
        "essor admin : organisation n° {} « {} » ({}) créée, {} territoire(s).",
        org.id,
        org.name,
        org.kind.label(),
        org.territories.len()
    );
    println!("{}", org.id);
    Ok(ExitCode::SUCCESS)
}

/// The password of a new account: `ESSOR_MOT_DE_PASSE`, else the first line of stdin.
fn password() -> Result<String> {
    if let Ok(p) = std::env::var("ESSOR_MOT_DE_PASSE") {
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("lecture du mot de passe sur l'entrée standard")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

async fn create_account(args: CreateAccountArgs) -> Result<ExitCode> {
    let password = password()?;
    let registry = open(&args.target).await?;
    let account = registry
        .create_account(
            NewAccount {
                email: args.email,
                display_name: args.name,
                password,
            },
            &task(),
            Channel::Task,
        )
        .await?;
    if args.instance_admin {
        registry
            .grant_instance_admin(account.id, &task(), Channel::Task)
            .await?;
    }
    registry.close().await;
    eprintln!(
        "essor admin : compte n° {} ({}) créé{}.",
        account.id,
        account.email,
        if args.instance_admin {
            ", administrateur de l'instance"
        } else {
            ""
        }
    );
    println!("{}", account.id);
    Ok(ExitCode::SUCCESS)
}

fn role(word: &str) -> Result<Role> {
    Role::parse(word).with_context(|| {
        format!(
            "--role « {word} » inconnu ; rôles : {}",
            Role::ALL.map(Role::as_str).join(", ")
        )
    })
}

/// Invites a person: prints the link on stdout (and sends it with `--smtp`).
async fn invite(args: InviteArgs) -> Result<ExitCode> {
    let role = role(&args.role)?;
    let mailer = args.mail.mailer()?;
    let registry = open(&args.target).await?;
    let created = registry
        .create_invitation(
            NewInvitation {
                email: args.email,
                organisation_id: args.organisation,
                role,
            },
            &task(),
            Channel::Task,
        )
        .await;
    registry.close().await;
    let (invitation, token) = match created {
        Err(essor_store::registry::RegistryError::NotFound) => {
            anyhow::bail!("aucune organisation n° {}", args.organisation)
        }
        other => other?,
    };
    let link = args
        .public_url
        .join(&format!("/invitation/{}", token.expose()));
    eprintln!(
        "essor admin inviter : {} invité·e à rejoindre « {} » comme {} ; lien à usage unique, valable jusqu'au {} (heure UTC) :",
        invitation.email,
        invitation.organisation_name,
        invitation.role.label(),
        invitation
            .expires_at
            .replace('T', " à ")
            .trim_end_matches('Z'),
    );
    println!("{link}");
    if mailer.sends() {
        mailer
            .send(&essor_app::mail::invitation(&invitation, &link))
            .await?;
        eprintln!(
            "essor admin inviter : invitation envoyée par courriel à {}.",
            invitation.email
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn grant_role(args: GrantRoleArgs) -> Result<ExitCode> {
    let role = role(&args.role)?;
    let registry = open(&args.target).await?;
    let account = registry
        .account_by_email(&args.email)
        .await?
        .with_context(|| format!("aucun compte pour l'adresse {}", args.email))?;
    let organisation = registry
        .organisation(args.organisation)
        .await?
        .with_context(|| format!("aucune organisation n° {}", args.organisation))?;
    registry
        .grant_role(account.id, organisation.id, role, &task(), Channel::Task)
        .await?;
    registry.close().await;
    eprintln!(
        "essor admin : {} est {} pour « {} ».",
        account.email,
        role.label(),
        organisation.name
    );
    Ok(ExitCode::SUCCESS)
}

async fn list_accounts(args: ListAccountsArgs) -> Result<ExitCode> {
    use essor_model::csv_line::{Lines, spreadsheet_text};
    let registry = open(&args.target).await?;
    let accounts = registry.accounts().await?;
    let mut lines = Lines::with_capacity(128 * (accounts.len() + 1));
    lines.push(["id", "email", "name", "instance_admin", "disabled", "roles"]);
    for a in &accounts {
        let roles = registry
            .memberships(a.id)
            .await?
            .iter()
            .map(|m| {
                format!(
                    "{} ({}) : {}",
                    m.organisation_name, m.organisation_id, m.role
                )
            })
            .collect::<Vec<_>>()
            .join(" ; ");
        let yes_no = |b: bool| if b { "oui" } else { "non" };
        lines.push([
            a.id.to_string(),
            spreadsheet_text(&a.email).into_owned(),
            spreadsheet_text(&a.display_name).into_owned(),
            yes_no(a.instance_admin).to_owned(),
            yes_no(a.disabled).to_owned(),
            spreadsheet_text(&roles).into_owned(),
        ]);
    }
    registry.close().await;
    write_stdout(&lines.into_bytes())?;
    eprintln!(
        "essor admin lister-comptes : {} compte(s).",
        crate::text::count(accounts.len() as u64)
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes `bytes` on standard output (a closed pipe ends quietly: see `main`).
fn write_stdout(bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .context("écriture sur la sortie standard")
}

async fn audit(args: AuditArgs) -> Result<ExitCode> {
    if let Some(day) = &args.since {
        let ok = day.len() == 10
            && day.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        anyhow::ensure!(ok, "--depuis « {day} » : date AAAA-MM-JJ attendue");
    }
    anyhow::ensure!(
        matches!(args.format.as_str(), "csv" | "json"),
        "--format « {} » : csv ou json attendu",
        args.format
    );
    let registry = open(&args.target).await?;
    let rows = registry.audit_since(args.since.as_deref()).await?;
    registry.close().await;
    let out = match args.format.as_str() {
        "json" => {
            let rows: Vec<serde_json::Value> = rows
                .iter()
                .map(|a| {
                    let json = |t: &Option<String>| {
                        t.as_deref()
                            .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
                    };
                    serde_json::json!({
                        "id": a.id, "at": a.at, "action": a.action,
                        "entity_type": a.object_type, "entity_id": a.object_id,
                        "channel": a.channel, "principal": a.principal_kind,
                        "user_id": a.user_id, "organisation_id": a.organisation_id,
                        "task": a.principal_detail,
                        "detail": serde_json::from_str::<serde_json::Value>(&a.detail).ok(),
                        "before": json(&a.before), "after": json(&a.after),
                    })
                })
                .collect();
            let mut text = serde_json::to_string_pretty(&rows)?;
            text.push('\n');
            text.into_bytes()
        }
        _ => {
            use essor_model::csv_line::{Lines, spreadsheet_text};
            let mut lines = Lines::with_capacity(256 * (rows.len() + 1));
            lines.push([
                "id",
                "at",
                "action",
                "entity_type",
                "entity_id",
                "channel",
                "principal",
                "user_id",
                "organisation_id",
                "task",
                "detail",
                "before",
                "after",
            ]);
            let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
            for a in &rows {
                lines.push([
                    a.id.to_string(),
                    a.at.clone(),
                    a.action.clone(),
                    a.object_type.clone(),
                    a.object_id.to_string(),
                    a.channel.clone(),
                    a.principal_kind.clone(),
                    number(a.user_id),
                    number(a.organisation_id),
                    spreadsheet_text(a.principal_detail.as_deref().unwrap_or_default())
                        .into_owned(),
                    spreadsheet_text(&a.detail).into_owned(),
                    spreadsheet_text(a.before.as_deref().unwrap_or_default()).into_owned(),
                    spreadsheet_text(a.after.as_deref().unwrap_or_default()).into_owned(),
                ]);
            }
            lines.into_bytes()
        }
    };
    write_stdout(&out)?;
    eprintln!(
        "essor admin audit : {} écriture(s) journalisée(s).",
        crate::text::count(rows.len() as u64)
    );
    Ok(ExitCode::SUCCESS)
}
