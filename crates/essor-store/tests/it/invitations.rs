//! Invitations and password resets on both backends (issue 15, point 2): single-use links
//! stored as hashes, expiring, spent by a conditional update; an acceptance creates the
//! account or only gives the role; a reset asked for an unknown address looks like one for a
//! known address; using a reset closes the account's sessions; every write audited with its
//! author.

use essor_model::{OrganisationKind, Role};
use essor_store::registry::invitations::{INVITATION_DAYS, MAX_RESETS, RESET_MINUTES};
use essor_store::registry::testing::TestRegistry;
use essor_store::registry::{
    Acceptance, Channel, FixedClock, NewAccount, NewInvitation, NewOrganisation, Principal,
    Registry, RegistryError, SpentLink,
};
use std::sync::Arc;

const PASSWORD: &str = "cerf-volant hibou grenadine 42";
const NEW_PASSWORD: &str = "péniche ocre sous le pont 1907";

fn clocked(t: &TestRegistry) -> (Registry, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(
        time::OffsetDateTime::from_unix_timestamp(1_772_438_707).unwrap(),
    ));
    (t.registry.clone().with_clock(clock.clone()), clock)
}

async fn organisation(registry: &Registry) -> i64 {
    registry
        .create_organisation(
            NewOrganisation {
                kind: OrganisationKind::StructureAccompagnement,
                name: "Pôle ESS du pays de Rennes".into(),
                siret: None,
                territories: vec![],
            },
            &Principal::system("admin"),
            Channel::Task,
        )
        .await
        .unwrap()
        .id
}

fn acceptance(name: &str, password: &str) -> Acceptance {
    Acceptance {
        display_name: name.into(),
        password: password.into(),
    }
}

fn spent(r: Result<impl std::fmt::Debug, RegistryError>) -> SpentLink {
    match r {
        Err(RegistryError::Spent(s)) => s,
        other => panic!("a spent link expected: {other:?}"),
    }
}

#[tokio::test]
async fn an_invited_person_sets_a_password_gets_the_role_and_the_link_serves_once() {
    for t in TestRegistry::each().await {
        let (registry, _) = clocked(&t);
        let org = organisation(&registry).await;
        let (invitation, token) = registry
            .create_invitation(
                NewInvitation {
                    email: " Alix.Martin@Pole-ESS.fr".into(),
                    organisation_id: org,
                    role: Role::Operator,
                },
                &Principal::system("admin"),
                Channel::Task,
            )
            .await
            .unwrap();
        assert_eq!(invitation.email, "alix.martin@pole-ess.fr");
        assert_eq!(invitation.organisation_name, "Pôle ESS du pays de Rennes");
        assert!(!invitation.account_exists);
        assert_eq!(
            invitation.expires_at, "2026-03-09T08:05:07Z",
            "{INVITATION_DAYS} days"
        );
        assert_eq!(
            registry.invitation(&token).await.unwrap(),
            Some(invitation.clone())
        );
        // Only the hash is stored.
        let raw = t.raw().await;
        let stored: String = sqlx::query_scalar("SELECT token_hash FROM invitation")
            .fetch_one(&raw)
            .await
            .unwrap();
        raw.close().await;
        assert_eq!(stored, token.hash());
        assert_ne!(stored, token.expose());

        // A guessable password is refused and spends nothing.
        let weak = registry
            .accept_invitation(
                &token,
                acceptance("Alix Martin", "alix.martin2026"),
                Channel::Page,
            )
            .await
            .unwrap_err();
        assert!(weak.to_string().contains("trop facile à deviner"), "{weak}");
        assert!(registry.invitation(&token).await.unwrap().is_some());

        let accepted = registry
            .accept_invitation(&token, acceptance("Alix Martin", PASSWORD), Channel::Page)
            .await
            .unwrap();
        assert!(accepted.created);
        assert_eq!(accepted.account.email, "alix.martin@pole-ess.fr");
        let (signed_in, _) = registry
            .sign_in(
                "alix.martin@pole-ess.fr",
                PASSWORD,
                "192.0.2.1",
                Channel::Page,
            )
            .await
            .unwrap();
        assert!(signed_in.has_role(org, Role::Operator));
        assert!(!signed_in.has_role(org, Role::Admin));

        // Once only.
        assert_eq!(spent(registry.invitation(&token).await), SpentLink::Used);
        assert_eq!(
            spent(
                registry
                    .accept_invitation(&token, acceptance("Intrus", NEW_PASSWORD), Channel::Page)
                    .await
            ),
            SpentLink::Used
        );
        assert_eq!(t.count("account").await, 1);

        let id = accepted.account.id;
        let rows: Vec<(String, String, Option<i64>, Option<i64>)> = registry
            .audit_log(None)
            .await
            .unwrap()
            .into_iter()
            .map(|a| (a.action, a.principal_kind, a.user_id, a.organisation_id))
            .collect();
        let row =
            |a: &str, k: &str, u: Option<i64>, o: Option<i64>| (a.to_owned(), k.to_owned(), u, o);
        assert_eq!(
            rows,
            [
                row("organisation.create", "system", None, None),
                row("invitation.create", "system", None, None),
                row("account.create", "user", Some(id), Some(org)),
                row("membership.grant", "user", Some(id), Some(org)),
                row("invitation.accept", "user", Some(id), Some(org)),
                row("session.open", "user", Some(id), None),
            ]
        );
        for a in registry.audit_log(None).await.unwrap() {
            let all = format!("{a:?}");
            for secret in [PASSWORD, "alix", "Martin", token.expose(), &token.hash()] {
                assert!(!all.contains(secret), "{secret} in the audit log: {all}");
            }
        }
        t.finish().await;
    }
}

#[tokio::test]
async fn an_invitation_to_an_existing_account_only_gives_the_role_and_one_expires() {
    for t in TestRegistry::each().await {
        let (registry, clock) = clocked(&t);
        let org = organisation(&registry).await;
        let admin = Principal::system("admin");
        let account = registry
            .create_account(
                NewAccount {
                    email: "camille@rennes.fr".into(),
                    display_name: "Camille Dupont".into(),
                    password: PASSWORD.into(),
                },
                &admin,
                Channel::Task,
            )
            .await
            .unwrap();
        let invite = |role| NewInvitation {
            email: "CAMILLE@rennes.fr".into(),
            organisation_id: org,
            role,
        };
        let (invitation, token) = registry
            .create_invitation(invite(Role::Reviewer), &admin, Channel::Task)
            .await
            .unwrap();
        assert!(invitation.account_exists);
        // Name and password are not asked for, and ignored.
        let accepted = registry
            .accept_invitation(&token, acceptance("", ""), Channel::Page)
            .await
            .unwrap();
        assert!(!accepted.created);
        assert_eq!(accepted.account.id, account.id);
        assert_eq!(registry.memberships(account.id).await.unwrap().len(), 1);
        // Its password is unchanged.
        registry
            .sign_in("camille@rennes.fr", PASSWORD, "192.0.2.1", Channel::Page)
            .await
            .unwrap();

        // An invitation expires after seven days.
        let (_, late) = registry
            .create_invitation(invite(Role::Agent), &admin, Channel::Task)
            .await
            .unwrap();
        clock.advance(time::Duration::days(INVITATION_DAYS));
        assert_eq!(
            spent(registry.invitation(&late).await),
            SpentLink::Expired {
                at: "2026-03-09T08:05:07Z".into()
            }
        );
        assert!(
            spent(
                registry
                    .accept_invitation(&late, acceptance("", ""), Channel::Page)
                    .await
            )
            .to_string()
            .starts_with("ce lien a expiré le 2026-03-09 à 08:05:07")
        );
        assert_eq!(registry.memberships(account.id).await.unwrap().len(), 1);
        // A day later, the purge erases the address of the invitation nobody accepted.
        clock.advance(time::Duration::days(1) + time::Duration::seconds(1));
        registry.purge().await.unwrap();
        let raw = t.raw().await;
        let addresses: Vec<String> = sqlx::query_scalar("SELECT email FROM invitation ORDER BY id")
            .fetch_all(&raw)
            .await
            .unwrap();
        raw.close().await;
        assert_eq!(addresses, ["camille@rennes.fr", ""]);

        // An unknown token, or an unknown organisation.
        let unknown = essor_store::registry::InvitationToken::generate().unwrap();
        assert_eq!(registry.invitation(&unknown).await.unwrap(), None);
        assert!(matches!(
            registry
                .create_invitation(
                    NewInvitation {
                        organisation_id: 999,
                        ..invite(Role::Agent)
                    },
                    &admin,
                    Channel::Task
                )
                .await,
            Err(RegistryError::NotFound)
        ));
        t.finish().await;
    }
}

#[tokio::test]
async fn a_password_reset_changes_the_password_closes_every_session_and_serves_once() {
    for t in TestRegistry::each().await {
        let (registry, clock) = clocked(&t);
        let admin = Principal::system("admin");
        let account = registry
            .create_account(
                NewAccount {
                    email: "camille@rennes.fr".into(),
                    display_name: "Camille Dupont".into(),
                    password: PASSWORD.into(),
                },
                &admin,
                Channel::Task,
            )
            .await
            .unwrap();
        let (_, session) = registry
            .sign_in("camille@rennes.fr", PASSWORD, "192.0.2.1", Channel::Page)
            .await
            .unwrap();

        // An unknown address gets nothing, and writes nothing.
        let before = t.count("audit_log").await;
        assert!(
            registry
                .request_password_reset("personne@rennes.fr", Channel::Page)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            registry
                .request_password_reset("pas une adresse", Channel::Page)
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(t.count("audit_log").await, before);

        let link = registry
            .request_password_reset(" Camille@Rennes.fr ", Channel::Page)
            .await
            .unwrap()
            .expect("a link for a known address");
        assert_eq!(link.account.id, account.id);
        assert_eq!(
            link.expires_at, "2026-03-02T09:05:07Z",
            "{RESET_MINUTES} minutes"
        );
        let other = registry
            .request_password_reset("camille@rennes.fr", Channel::Page)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            registry
                .reset_account(&link.token)
                .await
                .unwrap()
                .map(|a| a.id),
            Some(account.id)
        );

        let weak = registry
            .reset_password(&link.token, "camille.dupont", Channel::Page)
            .await
            .unwrap_err();
        assert!(
            weak.to_string().starts_with("champ « password » : "),
            "{weak}"
        );
        assert!(
            registry.session(&session).await.unwrap().is_some(),
            "nothing written"
        );

        registry
            .reset_password(&link.token, NEW_PASSWORD, Channel::Page)
            .await
            .unwrap();
        assert!(
            registry.session(&session).await.unwrap().is_none(),
            "sessions closed"
        );
        assert!(
            registry
                .sign_in("camille@rennes.fr", PASSWORD, "192.0.2.1", Channel::Page)
                .await
                .is_err()
        );
        registry
            .sign_in(
                "camille@rennes.fr",
                NEW_PASSWORD,
                "192.0.2.1",
                Channel::Page,
            )
            .await
            .unwrap();
        // This link and every other of the account are spent.
        assert_eq!(
            spent(registry.reset_account(&link.token).await),
            SpentLink::Used
        );
        assert_eq!(
            spent(
                registry
                    .reset_password(&other.token, "une autre phrase de passe 77", Channel::Page)
                    .await
            ),
            SpentLink::Used
        );

        // A link lasts an hour; at most three are made per hour.
        let late = registry
            .request_password_reset("camille@rennes.fr", Channel::Page)
            .await
            .unwrap()
            .expect("the third in the hour");
        assert!(
            registry
                .request_password_reset("camille@rennes.fr", Channel::Page)
                .await
                .unwrap()
                .is_none(),
            "{MAX_RESETS} an hour at most"
        );
        clock.advance(time::Duration::minutes(RESET_MINUTES));
        assert!(matches!(
            spent(registry.reset_account(&late.token).await),
            SpentLink::Expired { .. }
        ));
        assert!(
            registry
                .request_password_reset("camille@rennes.fr", Channel::Page)
                .await
                .unwrap()
                .is_some(),
            "a new hour"
        );

        let actions: Vec<(String, String, Option<i64>)> = registry
            .audit_log(None)
            .await
            .unwrap()
            .into_iter()
            .filter(|a| {
                a.action.starts_with("password_reset") || a.action == "account.password_reset"
            })
            .map(|a| (a.action, a.principal_kind, a.user_id))
            .collect();
        let request = (
            "password_reset.request".to_owned(),
            "anonymous".to_owned(),
            None,
        );
        assert_eq!(
            actions,
            [
                request.clone(),
                request.clone(),
                (
                    "account.password_reset".to_owned(),
                    "user".to_owned(),
                    Some(account.id)
                ),
                request.clone(),
                request,
            ]
        );
        t.finish().await;
    }
}
