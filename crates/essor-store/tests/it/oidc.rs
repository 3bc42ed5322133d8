//! Signing in through an OpenID Connect provider, the registry's half, on both backends
//! (issue 15): linking by verified address only, the second sign-in through the stored
//! identity, refusals that write nothing, single-use sign-ins that expire, and the audit rows
//! with the account as author.

use essor_store::registry::oidc::LOGIN_MINUTES;
use essor_store::registry::testing::TestRegistry;
use essor_store::registry::{
    Channel, FixedClock, IdentityRefusal, NewAccount, Principal, ProviderIdentity, SecretToken,
};
use std::sync::Arc;

const ISSUER: &str = "https://proconnect.example.gouv.fr/api/v2";

fn identity(subject: &str, email: Option<&str>, verified: bool) -> ProviderIdentity {
    ProviderIdentity {
        issuer: ISSUER.into(),
        subject: subject.into(),
        email: email.map(str::to_owned),
        email_verified: verified,
    }
}

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(
        time::OffsetDateTime::from_unix_timestamp(1_772_438_707).unwrap(),
    ))
}

#[tokio::test]
async fn a_verified_address_links_its_account_once_and_the_identity_signs_in_afterwards() {
    for t in TestRegistry::each().await {
        let clock = clock();
        let registry = t.registry.clone().with_clock(clock.clone());
        let admin = Principal::system("admin");
        let account = registry
            .create_account(
                NewAccount {
                    email: "camille.dupont@rennes.fr".into(),
                    display_name: "Camille Dupont".into(),
                    password: "cerf-volant hibou grenadine 42".into(),
                },
                &admin,
                Channel::Task,
            )
            .await
            .unwrap();

        // Refused, writing nothing: an unverified address, no address, an unknown address.
        for (who, refusal) in [
            (
                identity("s-1", Some("camille.dupont@rennes.fr"), false),
                "n'atteste pas",
            ),
            (identity("s-1", None, true), "n'atteste pas"),
            (
                identity("s-2", Some("sacha@example.fr"), true),
                "aucun compte essor n'est associé à cette adresse ; demandez une invitation",
            ),
        ] {
            let err = registry
                .sign_in_with_identity(&who, Channel::Page)
                .await
                .unwrap_err();
            assert!(err.to_string().contains(refusal), "{err}");
        }
        assert_eq!(t.count("oidc_identity").await, 0);
        assert_eq!(t.count("session").await, 0);

        // The address (in any case) links the account and opens a session.
        let (signed_in, token) = registry
            .sign_in_with_identity(
                &identity("s-1", Some("Camille.Dupont@Rennes.fr"), true),
                Channel::Page,
            )
            .await
            .unwrap();
        assert_eq!(signed_in.account.id, account.id);
        assert!(registry.session(&token).await.unwrap().is_some());
        let linked = registry.identities(account.id).await.unwrap();
        assert_eq!(linked.len(), 1);
        assert_eq!(
            (
                linked[0].issuer.as_str(),
                linked[0].subject.as_str(),
                linked[0].email.as_str()
            ),
            (ISSUER, "s-1", "camille.dupont@rennes.fr")
        );

        // Later, the identity alone signs in, whatever address the provider gives now.
        clock.advance(time::Duration::hours(1));
        let (again, _) = registry
            .sign_in_with_identity(&identity("s-1", None, false), Channel::Page)
            .await
            .unwrap();
        assert_eq!(again.account.id, account.id);
        let linked = registry.identities(account.id).await.unwrap();
        assert_eq!(linked[0].last_used_at, "2026-03-02T09:05:07Z");
        assert_eq!(linked[0].linked_at, "2026-03-02T08:05:07Z");

        // Another subject of the same provider with the same address does not take the
        // account over.
        let err = registry
            .sign_in_with_identity(
                &identity("s-3", Some("camille.dupont@rennes.fr"), true),
                Channel::Page,
            )
            .await
            .unwrap_err();
        assert!(matches!(err, IdentityRefusal::OtherIdentity), "{err}");
        assert_eq!(t.count("oidc_identity").await, 1);

        let audit = registry.audit_log(None).await.unwrap();
        let rows: Vec<(&str, &str, Option<i64>)> = audit
            .iter()
            .map(|a| (a.action.as_str(), a.principal_kind.as_str(), a.user_id))
            .collect();
        assert_eq!(
            rows,
            [
                ("account.create", "system", None),
                ("identity.link", "user", Some(account.id)),
                ("session.open", "user", Some(account.id)),
                ("session.open", "user", Some(account.id)),
            ]
        );
        assert!(audit[2].detail.contains(r#""method":"oidc""#), "{audit:?}");
        for a in &audit {
            let all = format!("{a:?}");
            for personal in ["camille", "s-1"] {
                assert!(
                    !all.contains(personal),
                    "{personal} in the audit log: {all}"
                );
            }
        }
        t.finish().await;
    }
}

#[tokio::test]
async fn a_sign_in_under_way_is_taken_once_and_expires_after_ten_minutes() {
    for t in TestRegistry::each().await {
        let clock = clock();
        let registry = t.registry.clone().with_clock(clock.clone());
        let (a, b) = (
            SecretToken::generate().unwrap(),
            SecretToken::generate().unwrap(),
        );
        registry.oidc_login_start(&a, "/compte").await.unwrap();
        registry
            .oidc_login_start(&b, "/mises-en-relation")
            .await
            .unwrap();
        // Only the secrets' hashes are stored.
        let raw = t.raw().await;
        let stored: Vec<String> = sqlx::query_scalar("SELECT secret_hash FROM oidc_login")
            .fetch_all(&raw)
            .await
            .unwrap();
        raw.close().await;
        assert!(!stored.iter().any(|h| h == a.expose() || h == b.expose()));

        assert_eq!(
            registry.oidc_login_take(&a).await.unwrap().as_deref(),
            Some("/compte")
        );
        assert_eq!(registry.oidc_login_take(&a).await.unwrap(), None, "replay");
        let unknown = SecretToken::generate().unwrap();
        assert_eq!(registry.oidc_login_take(&unknown).await.unwrap(), None);
        clock.advance(time::Duration::minutes(LOGIN_MINUTES) + time::Duration::seconds(1));
        assert_eq!(registry.oidc_login_take(&b).await.unwrap(), None, "expired");

        // The daily purge drops them after a day.
        clock.advance(time::Duration::days(1));
        registry.purge().await.unwrap();
        assert_eq!(t.count("oidc_login").await, 0);
        t.finish().await;
    }
}
