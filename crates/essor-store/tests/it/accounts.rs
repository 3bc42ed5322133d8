//! Accounts on both backends (SQLite, and PostgreSQL when `ESSOR_TEST_POSTGRES` is set):
//! organisations with their scope, Argon2id passwords, roles, sessions, the generic refusal
//! and the throttling of sign-ins, and an audit row with its author for every change.

use essor_model::{OrganisationKind, Role, TerritoryLevel, TerritoryRef};
use essor_store::registry::accounts::{SESSION_HOURS, SIGN_IN_REFUSED};
use essor_store::registry::testing::TestRegistry;
use essor_store::registry::{
    Channel, FixedClock, NewAccount, NewOrganisation, Principal, RegistryError, SignInError,
};
use std::sync::Arc;

const PASSWORD: &str = "cerf-volant hibou grenadine 42";

fn rennes() -> NewOrganisation {
    NewOrganisation {
        kind: OrganisationKind::Commune,
        name: "Ville de Rennes — politique de la ville".into(),
        siret: Some("213 502 388 00019".into()),
        territories: vec![
            TerritoryRef::new(TerritoryLevel::Commune, "35238"),
            TerritoryRef::new(TerritoryLevel::Qpv, "QP035002"),
        ],
    }
}

fn camille() -> NewAccount {
    NewAccount {
        email: "Camille.Dupont@Rennes.fr".into(),
        display_name: "Camille Dupont".into(),
        password: PASSWORD.into(),
    }
}

#[tokio::test]
async fn an_agent_is_created_given_a_role_signs_in_and_out_and_every_change_is_audited() {
    for t in TestRegistry::each().await {
        let clock = Arc::new(FixedClock::new(
            time::OffsetDateTime::from_unix_timestamp(1_772_438_707).unwrap(),
        ));
        let registry = t.registry.clone().with_clock(clock.clone());
        let admin = Principal::system("admin");
        let org = registry
            .create_organisation(rennes(), &admin, Channel::Task)
            .await
            .unwrap();
        assert_eq!(org.siret.as_deref(), Some("21350238800019"));
        assert_eq!(org.siren.as_deref(), Some("213502388"));
        assert_eq!(
            registry
                .organisation(org.id)
                .await
                .unwrap()
                .unwrap()
                .territories,
            vec![
                TerritoryRef::new(TerritoryLevel::Commune, "35238"),
                TerritoryRef::new(TerritoryLevel::Qpv, "QP035002"),
            ]
        );
        let account = registry
            .create_account(camille(), &admin, Channel::Task)
            .await
            .unwrap();
        assert_eq!(account.email, "camille.dupont@rennes.fr");
        registry
            .grant_role(account.id, org.id, Role::Agent, &admin, Channel::Task)
            .await
            .unwrap();
        // Granting twice changes nothing.
        registry
            .grant_role(account.id, org.id, Role::Agent, &admin, Channel::Task)
            .await
            .unwrap();

        let (signed_in, token) = registry
            .sign_in(
                " CAMILLE.dupont@rennes.fr",
                PASSWORD,
                "192.0.2.7",
                Channel::Page,
            )
            .await
            .unwrap();
        assert_eq!(signed_in.account.id, account.id);
        assert!(signed_in.has_role(org.id, Role::Agent));
        assert!(!signed_in.has_role(org.id, Role::Admin));
        assert_eq!(signed_in.expires_at, "2026-03-02T20:05:07Z");
        assert_eq!(
            registry
                .session(&token)
                .await
                .unwrap()
                .unwrap()
                .memberships
                .len(),
            1
        );
        // A session ends when it expires…
        clock.advance(time::Duration::hours(SESSION_HOURS));
        assert!(registry.session(&token).await.unwrap().is_none());
        // …or at sign-out.
        let (_, token) = registry
            .sign_in(
                "camille.dupont@rennes.fr",
                PASSWORD,
                "192.0.2.7",
                Channel::Page,
            )
            .await
            .unwrap();
        registry.sign_out(&token, Channel::Page).await.unwrap();
        assert!(registry.session(&token).await.unwrap().is_none());

        let audit = registry.audit_log(None).await.unwrap();
        let rows: Vec<(&str, &str, Option<i64>)> = audit
            .iter()
            .map(|a| (a.action.as_str(), a.principal_kind.as_str(), a.user_id))
            .collect();
        assert_eq!(
            rows,
            [
                ("organisation.create", "system", None),
                ("account.create", "system", None),
                ("membership.grant", "system", None),
                ("session.open", "user", Some(account.id)),
                ("session.open", "user", Some(account.id)),
                ("session.close", "user", Some(account.id)),
            ]
        );
        for a in &audit {
            let all = format!("{a:?}");
            for secret in [PASSWORD, "argon2", "camille", "Dupont"] {
                assert!(!all.contains(secret), "{secret} in the audit log: {all}");
            }
        }
        // Only the Argon2id hash is stored.
        let raw = t.raw().await;
        let hash: String = sqlx::query_scalar("SELECT password_hash FROM account")
            .fetch_one(&raw)
            .await
            .unwrap();
        raw.close().await;
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn a_refused_sign_in_says_nothing_of_the_account_and_is_throttled() {
    for t in TestRegistry::each().await {
        let registry = &t.registry;
        let admin = Principal::system("admin");
        registry
            .create_account(camille(), &admin, Channel::Task)
            .await
            .unwrap();
        let refused = |r: Result<_, SignInError>| match r {
            Err(e @ SignInError::Refused) => e.to_string(),
            other => panic!("{other:?}"),
        };
        let wrong = refused(
            registry
                .sign_in(
                    "camille.dupont@rennes.fr",
                    "pas le bon mot de passe",
                    "192.0.2.7",
                    Channel::Page,
                )
                .await,
        );
        let unknown = refused(
            registry
                .sign_in("personne@rennes.fr", PASSWORD, "192.0.2.7", Channel::Page)
                .await,
        );
        assert_eq!(wrong, SIGN_IN_REFUSED);
        assert_eq!(
            unknown, wrong,
            "the same answer whether the account exists or not"
        );
        // Three more failures on the account (five in all, from two addresses): throttled,
        // even with the right password.
        for from in ["192.0.2.7", "198.51.100.3", "198.51.100.3", "198.51.100.3"] {
            let _ = registry
                .sign_in(
                    "camille.dupont@rennes.fr",
                    "encore raté",
                    from,
                    Channel::Page,
                )
                .await;
        }
        let throttled = registry
            .sign_in(
                "camille.dupont@rennes.fr",
                PASSWORD,
                "203.0.113.9",
                Channel::Page,
            )
            .await
            .unwrap_err();
        assert!(matches!(throttled, SignInError::Throttled), "{throttled}");
        assert_eq!(
            throttled.to_string(),
            "trop de tentatives de connexion infructueuses : réessayez dans 15 minutes"
        );
        // Nothing was audited: failures are counted, not changes.
        assert!(registry.audit_log(None).await.unwrap().len() == 1);
        t.finish().await;
    }
}

#[tokio::test]
async fn bad_accounts_and_organisations_are_refused_by_field_and_write_nothing() {
    for t in TestRegistry::each().await {
        let registry = &t.registry;
        let admin = Principal::system("admin");
        let weak = NewAccount {
            password: "azertyuiop123".into(),
            ..camille()
        };
        let err = registry
            .create_account(weak, &admin, Channel::Task)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, RegistryError::Field(f) if f.field == "password"),
            "{err}"
        );
        registry
            .create_account(camille(), &admin, Channel::Task)
            .await
            .unwrap();
        let twice = registry
            .create_account(camille(), &admin, Channel::Task)
            .await
            .unwrap_err();
        assert_eq!(
            twice.to_string(),
            "champ « email » : un compte existe déjà pour cette adresse"
        );
        let bad_siret = NewOrganisation {
            siret: Some("21350238800015".into()),
            ..rennes()
        };
        let err = registry
            .create_organisation(bad_siret, &admin, Channel::Task)
            .await
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("champ « siret » : SIRET invalide"),
            "{err}"
        );
        let france = NewOrganisation {
            territories: vec![TerritoryRef::france()],
            ..rennes()
        };
        assert!(
            registry
                .create_organisation(france, &admin, Channel::Task)
                .await
                .unwrap_err()
                .to_string()
                .starts_with("champ « territories »")
        );
        assert_eq!(t.count("organisation").await, 0);
        assert_eq!(t.count("account").await, 1);
        assert_eq!(t.count("audit_log").await, 1);
        t.finish().await;
    }
}
