//! `essor admin`: administration of an instance from the command line, as essor itself (the
//! `admin` task principal, in every audit row): `purge` erases the names and contacts of
//! referrals past their retention, as the server does every day; `creer-organisation`,
//! `creer-compte`, `inviter` and `donner-role` set up who may act; `audit` writes the audit
//! log out.

use crate::args::{
    AdminArgs, AdminCommand, AuditArgs, BackupArgs, CreateAccountArgs, CreateOrganisationArgs,
    GrantRoleArgs, InviteArgs, LinkOperatorArgs, ListAccountsArgs, MigrateArgs, PurgeArgs,
    RegistryTarget, RestoreArgs,
};
use anyhow::{Context, Result};
use essor_model::{OrganisationKind, Role, TerritoryLevel, TerritoryRef};
use essor_store::registry::{
    Channel, FILE_NAME, NewAccount, NewInvitation, NewOrganisation, Principal, Registry, Retention,
    audit,
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
            AdminCommand::GrantRole(args) => grant_role(args, true).await,
            AdminCommand::RevokeRole(args) => grant_role(args, false).await,
            AdminCommand::LinkOperator(args) => link_operator(args).await,
            AdminCommand::Audit(args) => write_audit(args).await,
            AdminCommand::Migrate(args) => migrate(args).await,
            AdminCommand::Backup(args) => backup(args).await,
            AdminCommand::Restore(args) => restore(args).await,
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

/// Gives (`grant`) or takes away a role.
async fn grant_role(args: GrantRoleArgs, grant: bool) -> Result<ExitCode> {
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
    if grant {
        registry
            .grant_role(account.id, organisation.id, role, &task(), Channel::Task)
            .await?;
    } else {
        registry
            .revoke_role(account.id, organisation.id, role, &task(), Channel::Task)
            .await
            .map_err(|e| match e {
                essor_store::registry::RegistryError::NotFound => anyhow::anyhow!(
                    "{} n'a pas le rôle {} dans « {} »",
                    account.email,
                    role.as_str(),
                    organisation.name
                ),
                e => e.into(),
            })?;
    }
    registry.close().await;
    eprintln!(
        "essor admin : {} {} {} pour « {} ».",
        account.email,
        if grant { "est" } else { "n'est plus" },
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

async fn migrate(args: MigrateArgs) -> Result<ExitCode> {
    let registry = match (&args.target.store, &args.target.registry) {
        // A new instance: the registry is created in the folder.
        (Some(dir), None) => Registry::open_in(dir).await?,
        _ => open(&args.target).await?,
    };
    let version = registry.schema_version().await?;
    eprintln!(
        "essor admin : registre {} à jour (schéma version {version}).",
        registry.location()
    );
    registry.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn backup(args: BackupArgs) -> Result<ExitCode> {
    let registry = open(&args.target).await?;
    let bytes = registry
        .backup_to(&args.to)
        .await
        .with_context(|| format!("sauvegarde vers {}", args.to.display()))?;
    registry.close().await;
    eprintln!(
        "essor admin : registre sauvegardé dans {} ({} octets, droits 0600).",
        args.to.display(),
        crate::text::count(bytes)
    );
    Ok(ExitCode::SUCCESS)
}

async fn restore(args: RestoreArgs) -> Result<ExitCode> {
    let version = essor_store::registry::backup::restore(&args.from, &args.store)
        .await
        .with_context(|| format!("restauration de {}", args.from.display()))?;
    eprintln!(
        "essor admin : registre de {} restauré depuis {} (schéma version {version}).",
        args.store.display(),
        args.from.display()
    );
    Ok(ExitCode::SUCCESS)
}

async fn link_operator(args: LinkOperatorArgs) -> Result<ExitCode> {
    let catalogue = essor_orientation::Catalogue::embedded()
        .context("lecture du catalogue d'orientation embarqué")?;
    let operator = args.operator.trim();
    let schemes: Vec<&str> = catalogue
        .schemes
        .iter()
        .filter(|s| s.operators.iter().any(|o| o.id == operator))
        .map(|s| s.name.as_str())
        .collect();
    anyhow::ensure!(
        !schemes.is_empty(),
        "--operateur « {operator} » : aucun dispositif du catalogue n'a cet opérateur (les identifiants figurent sur les pages /dispositifs/ID)"
    );
    let registry = open(&args.target).await?;
    let organisation = registry
        .organisation(args.organisation)
        .await?
        .with_context(|| format!("aucune organisation n° {}", args.organisation))?;
    registry
        .link_operator(organisation.id, operator, &task(), Channel::Task)
        .await?;
    registry.close().await;
    eprintln!(
        "essor admin : « {} » reçoit les mises en relation adressées à l'opérateur « {operator} » ({}).",
        organisation.name,
        schemes.join(", ")
    );
    Ok(ExitCode::SUCCESS)
}

async fn write_audit(args: AuditArgs) -> Result<ExitCode> {
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
    let rows = match args.org {
        Some(org) => {
            anyhow::ensure!(
                registry.organisation(org).await?.is_some(),
                "--org {org} : aucune organisation n'a ce numéro (essor admin lister-comptes les montre)"
            );
            registry
                .organisation_audit(org, args.since.as_deref())
                .await?
        }
        None => registry.audit_since(args.since.as_deref()).await?,
    };
    registry.close().await;
    let out = match args.format.as_str() {
        "json" => {
            let mut text = serde_json::to_string_pretty(&audit::json(&rows))?;
            text.push('\n');
            text.into_bytes()
        }
        _ => audit::csv(&rows),
    };
    write_stdout(&out)?;
    eprintln!(
        "essor admin audit : {} écriture(s) journalisée(s).",
        crate::text::count(rows.len() as u64)
    );
    Ok(ExitCode::SUCCESS)
}
