//! The permission matrix by role (issue 15), through the real server on loopback, on SQLite
//! and on PostgreSQL: for every route that needs an account, each persona — an organisation's
//! administrator, operator and agent, an administrator of another organisation, the instance
//! administrator — gets what its roles allow and a 403 otherwise (the same for an
//! organisation that does not exist); API tokens are scoped and revocable; the forms of a
//! session need its anti-CSRF token; a status change made by an operator is in the
//! organisation's audit log with its author; a person downloads their data and erases their
//! account.

use crate::support::TestApp;
use essor_app::registry::SqlRegistry;
use essor_model::{OrganisationKind, Role};
use essor_server::security::policy::{Access, ROUTES};
use essor_store::registry::testing::TestRegistry;
use essor_store::registry::{
    Channel, NewAccount, NewOrganisation, NewReferral, Principal, Registry,
};
use std::collections::BTreeMap;

const PASSWORD: &str = "cerf-volant hibou grenadine 42";

struct World {
    /// The organisation A (an operator of the catalogue) and another one.
    a: i64,
    b: i64,
    referral: i64,
    /// Account ids by persona.
    ids: BTreeMap<&'static str, i64>,
}

/// Organisation A answers for the catalogue operator `fabrique-cooperative`, which one
/// referral is addressed to; five personas.
async fn world(registry: &Registry) -> World {
    let admin = Principal::system("test");
    let org = |name: &str, kind| NewOrganisation {
        kind,
        name: name.into(),
        siret: None,
        territories: vec![],
    };
    let a = registry
        .create_organisation(
            org("Pôle coopératif", OrganisationKind::StructureAccompagnement),
            &admin,
            Channel::Task,
        )
        .await
        .unwrap()
        .id;
    let b = registry
        .create_organisation(
            org("Ville voisine", OrganisationKind::Commune),
            &admin,
            Channel::Task,
        )
        .await
        .unwrap()
        .id;
    registry
        .link_operator(a, "fabrique-cooperative", &admin, Channel::Task)
        .await
        .unwrap();
    let mut ids = BTreeMap::new();
    for (persona, roles) in [
        ("admin", vec![(a, Role::Admin)]),
        ("operateur", vec![(a, Role::Operator)]),
        ("agent", vec![(a, Role::Agent)]),
        ("autre", vec![(b, Role::Admin), (b, Role::Operator)]),
        ("instance", vec![]),
    ] {
        let account = registry
            .create_account(
                NewAccount {
                    email: format!("{persona}@exemple.fr"),
                    display_name: format!("Personne {persona}"),
                    password: PASSWORD.into(),
                },
                &admin,
                Channel::Task,
            )
            .await
            .unwrap();
        for (org, role) in roles {
            registry
                .grant_role(account.id, org, role, &admin, Channel::Task)
                .await
                .unwrap();
        }
        if persona == "instance" {
            registry
                .grant_instance_admin(account.id, &admin, Channel::Task)
                .await
                .unwrap();
        }
        ids.insert(persona, account.id);
    }
    let (referral, _) = registry
        .create_referral(
            NewReferral {
                scheme_id: "cjs".into(),
                scheme_name: "Coopérative jeunesse de services".into(),
                operator_id: "fabrique-cooperative".into(),
                operator_name: "La Fabrique coopérative".into(),
                catalogue_version: "test".into(),
                person: "Collectif jeunesse Maurepas".into(),
                contact: "06 00 00 00 00".into(),
                consent: true,
                referrer: "Réso solidaire".into(),
                profile_json: "{}".into(),
                eligibility: "eligible".into(),
            },
            &Principal::Anonymous,
            Channel::Page,
        )
        .await
        .unwrap();
    World {
        a,
        b,
        referral: referral.id,
        ids,
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn form(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// Signs `persona` in: its session cookie.
async fn sign_in(app: &TestApp, persona: &str) -> String {
    let response = client()
        .post(app.url("/connexion"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&[
            ("email", &format!("{persona}@exemple.fr")),
            ("password", PASSWORD),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "{persona} signs in");
    let cookie = response
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap();
    cookie.split(';').next().unwrap().to_owned()
}

/// The anti-CSRF token in a page's forms.
fn csrf(page: &str) -> String {
    let at = page
        .find(r#"name="csrf" value=""#)
        .expect("a form with its token")
        + 19;
    page[at..at + 64].to_owned()
}

async fn get(app: &TestApp, path: &str, cookie: &str) -> (u16, String) {
    let r = client()
        .get(app.url(path))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn post(app: &TestApp, path: &str, cookie: &str, body: String) -> (u16, String) {
    let r = client()
        .post(app.url(path))
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// What a persona may do in organisation A, by access.
fn allowed(persona: &str, access: Access) -> bool {
    matches!(
        (persona, access),
        ("admin", Access::Member | Access::Role(Role::Admin))
            | ("operateur", Access::Member | Access::Role(Role::Operator))
            | ("agent", Access::Member)
            | (_, Access::SignedIn)
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn each_role_reaches_what_it_is_given_and_nothing_else_on_both_backends() {
    for t in TestRegistry::each().await {
        let w = world(&t.registry).await;
        let app = TestApp::start(
            crate::support::EMBEDDED.with_sql_registry(SqlRegistry::new(t.registry.clone())),
        )
        .await;
        let backend = format!("{:?}", t.backend());
        let mut cookies = BTreeMap::new();
        for persona in w.ids.keys() {
            cookies.insert(*persona, sign_in(&app, persona).await);
        }
        // Every page of an organisation, for each persona, on A and on an organisation that
        // does not exist; reads only (writes are below, with their tokens).
        let mut checked = 0;
        for r in ROUTES.iter().filter(|r| {
            r.method == "GET"
                && matches!(r.access, Access::Member | Access::Role(_))
                && !r.path.starts_with("/api/")
        }) {
            for (persona, cookie) in &cookies {
                for (org, exists) in [(w.a, true), (999_999, false)] {
                    let path = r.path.replace("{org}", &org.to_string());
                    let (status, page) = get(&app, &path, cookie).await;
                    let want = if exists && allowed(persona, r.access) {
                        200
                    } else {
                        403
                    };
                    assert_eq!(status, want, "{backend} {persona} GET {path}");
                    if want == 403 {
                        assert!(page.contains("Accès refusé"), "{persona} {path}: {page}");
                        assert!(!page.contains("Pôle coopératif"), "no leak: {page}");
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked >= 30, "{checked}");

        // The operator's page shows the referral with its personal data; nobody else's does.
        let operator = &cookies["operateur"];
        let list = format!("/organisations/{}/mises-en-relation", w.a);
        let (_, page) = get(&app, &list, operator).await;
        assert!(page.contains("Collectif jeunesse Maurepas") && page.contains("06 00 00 00 00"));
        let (status, _) = get(
            &app,
            &format!("/organisations/{}/mises-en-relation", w.b),
            &cookies["autre"],
        )
        .await;
        assert_eq!(status, 200, "B's operator has B's (empty) list");

        // A write without the form's token is refused and writes nothing; with it, the
        // change is made by the operator for A, and shows in A's log with its author.
        let update = format!("{list}/{}", w.referral);
        let (status, _) = post(&app, &update, operator, form(&[("status", "acceptee")])).await;
        assert_eq!(status, 403, "{backend}: no anti-CSRF token");
        let audit_rows = t.count("audit_log").await;
        let (status, _) = post(
            &app,
            &update,
            operator,
            form(&[("status", "acceptee"), ("csrf", &csrf(&page))]),
        )
        .await;
        assert_eq!(status, 303, "{backend}: the operator moves it on");
        assert_eq!(t.count("audit_log").await, audit_rows + 1);
        let log = t.registry.organisation_audit(w.a, None).await.unwrap();
        let last = log.last().unwrap();
        assert_eq!(last.action, "referral.status");
        assert_eq!(last.user_id, Some(w.ids["operateur"]));
        assert_eq!(last.organisation_id, Some(w.a));
        // B's operator cannot move A's referral, even with its own valid token.
        let (_, b_page) = get(&app, "/compte", &cookies["autre"]).await;
        let (status, _) = post(
            &app,
            &format!("/organisations/{}/mises-en-relation/{}", w.b, w.referral),
            &cookies["autre"],
            form(&[("status", "en_cours"), ("csrf", &csrf(&b_page))]),
        )
        .await;
        assert_eq!(status, 404, "{backend}: B does not receive it");
        // The administrator reads the log, as a page and as CSV.
        let (status, journal) = get(
            &app,
            &format!("/organisations/{}/journal", w.a),
            &cookies["admin"],
        )
        .await;
        assert_eq!(status, 200);
        assert!(journal.contains("Personne operateur"), "{journal}");
        assert!(journal.contains("statut de mise en relation changé"));
        assert!(journal.contains(&format!("mise en relation n° {}", w.referral)));
        assert!(
            !journal.contains("referral.status") && !journal.contains("\"from\""),
            "no internal code on the page: {journal}"
        );
        let (status, csv) = get(
            &app,
            &format!("/organisations/{}/journal?format=csv", w.a),
            &cookies["admin"],
        )
        .await;
        assert_eq!(status, 200);
        assert!(csv.starts_with("id,at,action,"), "{csv}");
        assert!(csv.contains("referral.status"));

        // The administrator gives the agent the operator role, then takes it back; the last
        // administrator cannot be removed; an operator cannot change roles.
        let admin = &cookies["admin"];
        let (_, org_page) = get(&app, &format!("/organisations/{}", w.a), admin).await;
        assert!(org_page.contains("Donner le rôle"), "{org_page}");
        let roles_path = format!("/organisations/{}/roles", w.a);
        let (status, _) = post(
            &app,
            &roles_path,
            admin,
            form(&[
                ("csrf", &csrf(&org_page)),
                ("operation", "donner"),
                ("email", "agent@exemple.fr"),
                ("role", "operator"),
            ]),
        )
        .await;
        assert_eq!(status, 303, "{backend}");
        assert!(
            t.registry
                .memberships(w.ids["agent"])
                .await
                .unwrap()
                .iter()
                .any(|m| m.role == Role::Operator)
        );
        let agent_id = w.ids["agent"].to_string();
        let (status, _) = post(
            &app,
            &roles_path,
            admin,
            form(&[
                ("csrf", &csrf(&org_page)),
                ("operation", "retirer"),
                ("account", &agent_id),
                ("role", "operator"),
            ]),
        )
        .await;
        assert_eq!(status, 303, "{backend}");
        let admin_id = w.ids["admin"].to_string();
        let (status, page) = post(
            &app,
            &roles_path,
            admin,
            form(&[
                ("csrf", &csrf(&org_page)),
                ("operation", "retirer"),
                ("account", &admin_id),
                ("role", "admin"),
            ]),
        )
        .await;
        assert_eq!(status, 400, "{backend}: the last administrator stays");
        assert!(page.contains("au moins un administrateur"), "{page}");
        let (status, _) = post(
            &app,
            &roles_path,
            operator,
            form(&[
                ("csrf", &csrf(&page)),
                ("operation", "donner"),
                ("email", "autre@exemple.fr"),
                ("role", "admin"),
            ]),
        )
        .await;
        assert_eq!(status, 403, "{backend}: only administrators change roles");
        let log = t.registry.organisation_audit(w.a, None).await.unwrap();
        assert!(log.iter().any(|r| r.action == "membership.revoke"
            && r.user_id == Some(w.ids["admin"])
            && r.organisation_id == Some(w.a)));

        // API tokens: created on the page, shown once, scoped, revocable.
        let token = |scope: &'static str| {
            let app = &app;
            let cookie = operator.clone();
            async move {
                let (_, page) = get(app, "/compte/jetons", &cookie).await;
                let (status, page) = post(
                    app,
                    "/compte/jetons",
                    &cookie,
                    form(&[("name", scope), ("scope", scope), ("csrf", &csrf(&page))]),
                )
                .await;
                assert_eq!(status, 200, "{page}");
                let at = page.find(r#"<code id="jeton">"#).unwrap() + 17;
                page[at..at + 64].to_owned()
            }
        };
        let read = token("read").await;
        let write = token("write").await;
        let api = |method: reqwest::Method, path: String, bearer: Option<String>| {
            let app = &app;
            async move {
                let mut r = client()
                    .request(method, app.url(&path))
                    .header("content-type", "application/json");
                if let Some(b) = bearer {
                    r = r.header("authorization", format!("Bearer {b}"));
                }
                r.body(r#"{"status":"en_cours"}"#)
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }
        };
        let received = format!("/api/v1/organisations/{}/referrals", w.a);
        let one = format!("{received}/{}", w.referral);
        use reqwest::Method;
        assert_eq!(api(Method::GET, received.clone(), None).await, 401);
        assert_eq!(
            api(Method::GET, received.clone(), Some("0".repeat(64))).await,
            401
        );
        assert_eq!(
            api(Method::GET, received.clone(), Some(read.clone())).await,
            200
        );
        assert_eq!(
            api(Method::GET, "/api/v1/me".into(), Some(read.clone())).await,
            200
        );
        assert_eq!(
            api(Method::PATCH, one.clone(), Some(read.clone())).await,
            403,
            "{backend}: a read token cannot write"
        );
        assert_eq!(
            api(
                Method::GET,
                format!("/api/v1/organisations/{}/referrals", w.b),
                Some(read.clone())
            )
            .await,
            403,
            "{backend}: not an operator of B"
        );
        assert_eq!(
            api(Method::PATCH, one.clone(), Some(write.clone())).await,
            200
        );
        // The token is refused once revoked (its row is the newest: the write token).
        let (_, page) = get(&app, "/compte/jetons", operator).await;
        let tokens = t.registry.api_tokens(w.ids["operateur"]).await.unwrap();
        let (status, _) = post(
            &app,
            &format!("/compte/jetons/{}/revoquer", tokens[0].id),
            operator,
            form(&[("csrf", &csrf(&page))]),
        )
        .await;
        assert_eq!(status, 303);
        assert_eq!(api(Method::GET, received.clone(), Some(write)).await, 401);
        assert!(
            t.registry.api_tokens(w.ids["operateur"]).await.unwrap()[1]
                .last_used_at
                .is_some(),
            "the read token's last use is recorded"
        );

        // Right of access, then erasure: the data, then nothing but an id in the log.
        let agent = &cookies["agent"];
        let (status, data) = get(&app, "/compte/donnees", agent).await;
        assert_eq!(status, 200);
        let data: serde_json::Value = serde_json::from_str(&data).unwrap();
        assert_eq!(data["account"]["email"], "agent@exemple.fr");
        assert_eq!(data["roles"][0]["role"], "agent");
        let (_, page) = get(&app, "/compte", agent).await;
        let (status, _) = post(
            &app,
            "/compte/supprimer",
            agent,
            form(&[("csrf", &csrf(&page)), ("confirmation", "non")]),
        )
        .await;
        assert_eq!(status, 400, "no erasure without the confirmation word");
        let (status, _) = post(
            &app,
            "/compte/supprimer",
            agent,
            form(&[("csrf", &csrf(&page)), ("confirmation", "SUPPRIMER")]),
        )
        .await;
        assert_eq!(status, 303);
        let (status, _) = get(&app, "/compte", agent).await;
        assert_eq!(status, 303, "{backend}: the session ended with the account");
        let erased = t.registry.account(w.ids["agent"]).await.unwrap().unwrap();
        assert!(!erased.email.contains("agent"), "{}", erased.email);
        assert!(t.registry.memberships(erased.id).await.unwrap().is_empty());
        let rows = t.registry.audit_since(None).await.unwrap();
        assert!(
            rows.iter()
                .any(|r| r.action == "account.erase" && r.user_id == Some(erased.id))
        );
        assert!(
            rows.iter()
                .any(|r| r.action == "session.open" && r.user_id == Some(erased.id))
        );

        // Signing out everywhere closes every session of the account.
        let second = sign_in(&app, "admin").await;
        let (_, page) = get(&app, "/compte", &cookies["admin"]).await;
        let (status, _) = post(
            &app,
            "/compte/deconnexion-partout",
            &cookies["admin"],
            form(&[("csrf", &csrf(&page))]),
        )
        .await;
        assert_eq!(status, 303);
        assert_eq!(get(&app, "/compte", &second).await.0, 303, "{backend}");
        drop(app);
        t.finish().await;
    }
}
