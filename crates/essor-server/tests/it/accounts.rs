//! Signing in, the account page and signing out, through the real server on loopback
//! (issue 15): the session cookie's flags, the one refusal message, the anti-CSRF token of
//! the sign-out form, and where a browser is sent.

use crate::support::TestApp;
use essor_model::{OrganisationKind, Role, TerritoryLevel, TerritoryRef};
use essor_store::registry::{Channel, NewAccount, NewOrganisation, Principal, Registry};

const PASSWORD: &str = "cerf-volant hibou grenadine 42";

/// An agent of the Ville de Rennes in the registry of `dir`.
async fn agent(dir: &std::path::Path) {
    let registry = Registry::open_in(dir).await.unwrap();
    let admin = Principal::system("admin");
    let org = registry
        .create_organisation(
            NewOrganisation {
                kind: OrganisationKind::Commune,
                name: "Ville de Rennes".into(),
                siret: None,
                territories: vec![TerritoryRef::new(TerritoryLevel::Commune, "35238")],
            },
            &admin,
            Channel::Task,
        )
        .await
        .unwrap();
    let account = registry
        .create_account(
            NewAccount {
                email: "camille.dupont@rennes.fr".into(),
                display_name: "Camille Dupont".into(),
                password: PASSWORD.into(),
            },
            &admin,
            Channel::Task,
        )
        .await
        .unwrap();
    registry
        .grant_role(account.id, org.id, Role::Agent, &admin, Channel::Task)
        .await
        .unwrap();
    registry.close().await;
}

fn form(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_signs_in_sees_their_roles_and_signs_out_with_the_forms_token() {
    let dir = tempfile::tempdir().unwrap();
    agent(dir.path()).await;
    let app = TestApp::with_registry(dir.path()).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let post = |path: &str, body: String, cookie: Option<&str>| {
        let mut r = client
            .post(app.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(c) = cookie {
            r = r.header("cookie", c);
        }
        r.send()
    };

    let (status, page) = app.text("/connexion").await;
    assert_eq!(status, 200);
    assert!(page.contains(r#"id="formulaire-connexion""#), "{page}");

    // The same refusal for a wrong password and an unknown address.
    for (email, password) in [
        ("camille.dupont@rennes.fr", "pas le bon mot de passe"),
        ("personne@rennes.fr", PASSWORD),
    ] {
        let refused = post(
            "/connexion",
            form(&[("email", email), ("password", password)]),
            None,
        )
        .await
        .unwrap();
        assert_eq!(refused.status(), 400);
        assert!(refused.headers().get("set-cookie").is_none());
        let page = refused.text().await.unwrap();
        assert!(
            page.contains("adresse électronique ou mot de passe incorrect."),
            "{page}"
        );
    }

    // Signed in: an HttpOnly, SameSite cookie, and back to where the person was going (a
    // path of this site only).
    let ok = post(
        "/connexion",
        form(&[
            ("email", "Camille.Dupont@rennes.fr"),
            ("password", PASSWORD),
            ("suite", "//ailleurs.example/piege"),
        ]),
        None,
    )
    .await
    .unwrap();
    assert_eq!(ok.status(), 303);
    assert_eq!(ok.headers()["location"], "/compte");
    assert_eq!(ok.headers()["cache-control"], "no-store");
    let set = ok.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(set.starts_with("essor_session="), "{set}");
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=43200"] {
        assert!(set.contains(flag), "{flag} in {set}");
    }
    let cookie = set.split(';').next().unwrap().to_owned();

    let account = client
        .get(app.url("/compte"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(account.status(), 200);
    let page = account.text().await.unwrap();
    assert!(page.contains("Camille Dupont"), "{page}");
    assert!(
        page.contains(
            r#"<td><a href="/organisations/1">Ville de Rennes</a></td><td>commune</td><td>agent instructeur</td>"#
        ),
        "{page}"
    );
    let csrf = page
        .split(r#"name="csrf" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    assert_eq!(csrf.len(), 64);
    assert!(
        !cookie.contains(&csrf),
        "the form's token is not the session's"
    );

    // Without a session: the sign-in page, then back.
    let anonymous = client.get(app.url("/compte")).send().await.unwrap();
    assert_eq!(anonymous.status(), 303);
    assert_eq!(anonymous.headers()["location"], "/connexion?suite=/compte");

    // Signing out needs the form's token.
    let forged = post("/deconnexion", form(&[("csrf", "0")]), Some(&cookie))
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let out = post("/deconnexion", form(&[("csrf", &csrf)]), Some(&cookie))
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    assert!(
        out.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let after = client
        .get(app.url("/compte"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 303, "the session is closed in the registry");

    // Every step is in the audit log, with its author.
    let registry = Registry::open_in(dir.path()).await.unwrap();
    let actions: Vec<String> = registry
        .audit_log(None)
        .await
        .unwrap()
        .into_iter()
        .map(|a| format!("{} {}", a.action, a.principal_kind))
        .collect();
    assert_eq!(actions[3..], ["session.open user", "session.close user"]);
    registry.close().await;
}
