//! The registry on a real database — SQLite in a temporary folder, and PostgreSQL when
//! `ESSOR_TEST_POSTGRES` names a server (always in CI): migrations, the referral lifecycle,
//! atomicity of each change with its history and audit rows, refused changes that write
//! nothing, expiry, revocation and retention. Every test but the SQLite-file ones runs the
//! same assertions on both backends.

use essor_store::registry::testing::TestRegistry;
use essor_store::registry::{
    Backend, Channel, FixedClock, NewReferral, Principal, ReferralFilter, ReferralToken, Registry,
    RegistryError, Retention, Status, StatusChange, TransitionError, migrations,
};
use sqlx::AssertSqlSafe;
use std::sync::Arc;

fn new_referral() -> NewReferral {
    NewReferral {
        scheme_id: "cjs".into(),
        scheme_name: "Coopérative jeunesse de services (CJS)".into(),
        operator_id: "pole-ess".into(),
        operator_name: "Pôle ESS du territoire".into(),
        catalogue_version: "2025.1".into(),
        person: "Collectif jeunesse Maurepas".into(),
        contact: "06 00 00 00 00".into(),
        consent: true,
        referrer: "Réso solidaire — accueil".into(),
        profile_json: r#"{"holder":"collective","stage":"emergence"}"#.into(),
        eligibility: "eligible".into(),
    }
}

/// Row counts of the three tables a change writes.
async fn counts(t: &TestRegistry) -> (i64, i64, i64) {
    (
        t.count("referral").await,
        t.count("referral_event").await,
        t.count("audit_log").await,
    )
}

fn change(to: Status, reason: Option<&str>) -> StatusChange {
    StatusChange {
        to,
        reason: reason.map(str::to_owned),
    }
}

/// 2026-03-02T08:05:07Z.
fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(
        time::OffsetDateTime::from_unix_timestamp(1_772_438_707).unwrap(),
    ))
}

/// `t`'s registry on a clock at 2026-03-02T08:05:07Z, with `retention`.
fn clocked(t: &TestRegistry, retention: Retention) -> (Registry, Arc<FixedClock>) {
    let clock = clock();
    let registry = t
        .registry
        .clone()
        .with_clock(clock.clone())
        .with_retention(retention);
    (registry, clock)
}

#[tokio::test]
async fn opening_creates_the_file_and_migrating_twice_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("magasin");
    let registry = Registry::open_in(&store).await.unwrap();
    assert!(store.join("registre.sqlite").is_file());
    let latest = migrations::latest();
    assert_eq!(latest, 7);
    assert_eq!(registry.schema_version().await.unwrap(), latest);
    let (_, token) = registry
        .create_referral(new_referral(), &Principal::Anonymous, Channel::Api)
        .await
        .unwrap();
    registry.close().await;

    let again = Registry::open_in(&store).await.unwrap();
    assert_eq!(again.schema_version().await.unwrap(), latest);
    let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(&raw_sqlite(&store).await)
        .await
        .unwrap();
    assert_eq!(
        applied,
        migrations::SQLITE.iter().count() as i64,
        "each migration recorded once"
    );
    assert_eq!(
        again
            .referral_by_token(&token)
            .await
            .unwrap()
            .unwrap()
            .person,
        "Collectif jeunesse Maurepas",
        "data kept across openings"
    );
}

/// A connection of its own to the registry of the store folder `store`.
async fn raw_sqlite(store: &std::path::Path) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::AnyPool::connect(&format!(
        "sqlite://{}",
        store.join("registre.sqlite").display()
    ))
    .await
    .unwrap()
}

#[tokio::test]
async fn a_database_written_by_a_newer_essor_is_refused_in_french() {
    for t in TestRegistry::each().await {
        let raw = t.raw().await;
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
             VALUES (99, 'future', TRUE, $1, 0)",
        )
        .bind(vec![0u8; 48])
        .execute(&raw)
        .await
        .unwrap();
        raw.close().await;
        let err = match t.backend() {
            Backend::Sqlite => Registry::open_in(t.dir.as_ref().unwrap().path()).await,
            Backend::Postgres => Registry::connect(&t.url).await,
        }
        .unwrap_err();
        assert!(
            matches!(
                err,
                RegistryError::NewerSchema {
                    found: 99,
                    known,
                    ..
                } if known == migrations::latest()
            ),
            "{err}"
        );
        assert!(
            err.to_string()
                .contains("créé par une version plus récente d'essor (schéma 99"),
            "{err}"
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn a_referral_goes_through_its_lifecycle_with_dated_history_and_audit_rows() {
    for t in TestRegistry::each().await {
        let registry = &t.registry;
        let (created, token) = registry
            .create_referral(new_referral(), &Principal::Anonymous, Channel::Page)
            .await
            .unwrap();
        assert_eq!(created.status, Status::Proposee);
        assert_eq!(created.history.len(), 1);
        assert!(created.created_at.ends_with('Z') && created.created_at.len() == 20);

        for (to, reason, channel) in [
            (Status::Acceptee, None, Channel::Api),
            (
                Status::EnCours,
                Some("premier rendez-vous fixé"),
                Channel::Api,
            ),
        ] {
            registry
                .change_status(&token, &change(to, reason), &Principal::LinkHolder, channel)
                .await
                .unwrap();
        }
        let done = registry
            .change_status(
                &token,
                &change(Status::Terminee, None),
                &Principal::LinkHolder,
                Channel::Page,
            )
            .await
            .unwrap();
        assert_eq!(done.status, Status::Terminee);
        let steps: Vec<(Option<Status>, Status)> =
            done.history.iter().map(|e| (e.from, e.to)).collect();
        assert_eq!(
            steps,
            vec![
                (None, Status::Proposee),
                (Some(Status::Proposee), Status::Acceptee),
                (Some(Status::Acceptee), Status::EnCours),
                (Some(Status::EnCours), Status::Terminee),
            ]
        );
        assert_eq!(
            done.history[2].reason.as_deref(),
            Some("premier rendez-vous fixé")
        );

        let audit = registry.audit_log(Some(done.id)).await.unwrap();
        let actions: Vec<(&str, &str)> = audit
            .iter()
            .map(|a| (a.action.as_str(), a.channel.as_str()))
            .collect();
        assert_eq!(
            actions,
            vec![
                ("referral.create", "page"),
                ("referral.status", "api"),
                ("referral.status", "api"),
                ("referral.status", "page"),
            ]
        );
        assert_eq!(audit[3].detail, r#"{"from":"en_cours","to":"terminee"}"#);
        for a in &audit {
            assert!(
                !a.detail.contains("Maurepas") && !a.detail.contains("06 00"),
                "no personal data in the audit log: {}",
                a.detail
            );
        }
        t.finish().await;
    }
}

#[tokio::test]
async fn a_refused_change_returns_the_exact_french_error_and_writes_nothing() {
    for t in TestRegistry::each().await {
        let registry = &t.registry;
        let (_, token) = registry
            .create_referral(new_referral(), &Principal::Anonymous, Channel::Api)
            .await
            .unwrap();
        let before = counts(&t).await;
        assert_eq!(before, (1, 1, 1));

        let err = registry
            .change_status(
                &token,
                &change(Status::Terminee, None),
                &Principal::LinkHolder,
                Channel::Api,
            )
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "passage de « proposée » à « terminée » impossible ; depuis « proposée », statuts possibles : « acceptée », « refusée », « pas pour nous »"
        );
        let err = registry
            .change_status(
                &token,
                &change(Status::Refusee, None),
                &Principal::LinkHolder,
                Channel::Api,
            )
            .await
            .unwrap_err();
        assert!(matches!(
            err,
            RegistryError::Transition(TransitionError::ReasonRequired { .. })
        ));
        assert_eq!(counts(&t).await, before, "nothing written");
        let unchanged = registry.referral_by_token(&token).await.unwrap().unwrap();
        assert_eq!(unchanged.status, Status::Proposee);
        assert_eq!(unchanged.updated_at, unchanged.created_at);

        // An unknown link and an invalid new referral write nothing either.
        let stranger = ReferralToken::generate().unwrap();
        assert!(matches!(
            registry
                .change_status(
                    &stranger,
                    &change(Status::Acceptee, None),
                    &Principal::LinkHolder,
                    Channel::Api
                )
                .await,
            Err(RegistryError::NotFound)
        ));
        let mut no_consent = new_referral();
        no_consent.consent = false;
        let err = registry
            .create_referral(no_consent, &Principal::Anonymous, Channel::Api)
            .await
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("champ « consent » : l'accord de la personne"),
            "{err}"
        );
        assert_eq!(counts(&t).await, before);
        t.finish().await;
    }
}

/// SQL that makes every insert into the audit log fail, as a full disk or a bug would.
fn sabotage(backend: Backend) -> (&'static [&'static str], &'static str) {
    match backend {
        Backend::Sqlite => (
            &[
                "CREATE TRIGGER audit_fails BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit refused'); END",
            ],
            "DROP TRIGGER audit_fails",
        ),
        Backend::Postgres => (
            &[
                "CREATE FUNCTION audit_fails() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$",
                "CREATE TRIGGER audit_fails BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_fails()",
            ],
            "DROP TRIGGER audit_fails ON audit_log",
        ),
    }
}

#[tokio::test]
async fn a_change_and_its_audit_row_are_one_transaction() {
    for t in TestRegistry::each().await {
        let registry = &t.registry;
        let (_, token) = registry
            .create_referral(new_referral(), &Principal::Anonymous, Channel::Api)
            .await
            .unwrap();
        // The status change before the failing audit insert, in the same transaction, must be
        // rolled back.
        let raw = t.raw().await;
        let (create, drop) = sabotage(t.backend());
        for sql in create {
            sqlx::query(AssertSqlSafe(*sql))
                .execute(&raw)
                .await
                .unwrap();
        }
        let before = counts(&t).await;
        let err = registry
            .change_status(
                &token,
                &change(Status::Acceptee, None),
                &Principal::LinkHolder,
                Channel::Api,
            )
            .await
            .unwrap_err();
        assert!(err.to_string().contains("audit refused"), "{err}");
        assert_eq!(counts(&t).await, before);
        assert_eq!(
            registry
                .referral_by_token(&token)
                .await
                .unwrap()
                .unwrap()
                .status,
            Status::Proposee
        );
        // Same for a creation.
        assert!(
            registry
                .create_referral(new_referral(), &Principal::Anonymous, Channel::Api)
                .await
                .is_err()
        );
        assert_eq!(counts(&t).await, before);
        sqlx::query(AssertSqlSafe(drop))
            .execute(&raw)
            .await
            .unwrap();
        raw.close().await;
        registry
            .change_status(
                &token,
                &change(Status::Acceptee, None),
                &Principal::LinkHolder,
                Channel::Api,
            )
            .await
            .unwrap();
        assert_eq!(counts(&t).await, (1, 2, 2));
        t.finish().await;
    }
}

#[tokio::test]
async fn two_concurrent_changes_of_one_referral_never_both_pass_the_lifecycle() {
    // Two operators click at once: « refusée » and « pas pour nous » both follow « proposée »
    // and both close the referral, so only one may be recorded; the other gets a French conflict (or the lifecycle's refusal
    // when it starts after the first committed), and writes nothing.
    for t in TestRegistry::each().await {
        let registry = &t.registry;
        for _ in 0..10 {
            let (_, token) = registry
                .create_referral(new_referral(), &Principal::Anonymous, Channel::Api)
                .await
                .unwrap();
            let elsewhere = change(Status::PasPourNous, Some("besoin de financement seulement"));
            let refuse = change(Status::Refusee, Some("hors périmètre"));
            let (a, b) = tokio::join!(
                registry.change_status(&token, &elsewhere, &Principal::LinkHolder, Channel::Api),
                registry.change_status(&token, &refuse, &Principal::LinkHolder, Channel::Api),
            );
            assert!(a.is_ok() != b.is_ok(), "exactly one wins: {a:?} / {b:?}");
            let loser = a.err().or(b.err()).unwrap();
            assert!(
                matches!(
                    loser,
                    RegistryError::Conflict
                        | RegistryError::Transition(TransitionError::NotAllowed { .. })
                        | RegistryError::Transition(TransitionError::Closed { .. })
                ),
                "{loser}"
            );
            let history = registry
                .referral_by_token(&token)
                .await
                .unwrap()
                .unwrap()
                .history;
            assert_eq!(history.len(), 2, "one creation, one change");
        }
        t.finish().await;
    }
}

#[tokio::test]
async fn only_the_hash_of_a_token_is_stored_and_listings_carry_no_personal_data() {
    for t in TestRegistry::each().await {
        let registry = &t.registry;
        let (created, token) = registry
            .create_referral(new_referral(), &Principal::Anonymous, Channel::Api)
            .await
            .unwrap();
        let mut other = new_referral();
        other.operator_id = "cae-parrain".into();
        other.operator_name = "CAE marraine".into();
        registry
            .create_referral(other, &Principal::Anonymous, Channel::Api)
            .await
            .unwrap();

        if let Some(dir) = &t.dir {
            let bytes = std::fs::read(dir.path().join("registre.sqlite")).unwrap();
            let wal = std::fs::read(dir.path().join("registre.sqlite-wal")).unwrap_or_default();
            let found = |hay: &[u8], needle: &str| {
                hay.windows(needle.len()).any(|w| w == needle.as_bytes())
            };
            assert!(
                !found(&bytes, token.expose()) && !found(&wal, token.expose()),
                "token stored in clear"
            );
            assert!(found(&bytes, &token.hash()) || found(&wal, &token.hash()));
        }
        let raw = t.raw().await;
        let (clear, hashed): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM referral WHERE token_hash = $1),
                    (SELECT COUNT(*) FROM referral WHERE token_hash = $2)",
        )
        .bind(token.expose())
        .bind(token.hash())
        .fetch_one(&raw)
        .await
        .unwrap();
        raw.close().await;
        assert_eq!((clear, hashed), (0, 1));

        let listing = registry
            .list_referrals(&ReferralFilter {
                operator_id: Some("pole-ess".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(listing.len(), 1);
        assert_eq!(listing[0].id, created.id);
        let debug = format!("{listing:?}");
        for secret in [token.expose(), "Maurepas", "06 00", "Réso"] {
            assert!(!debug.contains(secret), "{secret} in a listing");
        }
        let by_status = registry
            .list_referrals(&ReferralFilter {
                status: Some(Status::Acceptee),
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(by_status.is_empty());
        let both = registry
            .list_referrals(&ReferralFilter {
                scheme_id: Some("cjs".into()),
                status: Some(Status::Proposee),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(both.len(), 2);
        assert_eq!(
            registry
                .list_referrals(&ReferralFilter::default())
                .await
                .unwrap()
                .len(),
            2
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn every_audit_row_names_its_author_and_keeps_the_state_before_and_after() {
    // Issue 10: writes know their author; time comes from the application clock.
    for t in TestRegistry::each().await {
        let (registry, clock) = clocked(&t, Retention::default());
        let agent = Principal::User {
            user_id: 7,
            organisation_id: Some(3),
        };
        let (created, token) = registry
            .create_referral(new_referral(), &agent, Channel::Page)
            .await
            .unwrap();
        assert_eq!(created.created_at, "2026-03-02T08:05:07Z");
        clock.advance(time::Duration::hours(2));
        let moved = registry
            .change_status(
                &token,
                &change(Status::Acceptee, None),
                &Principal::LinkHolder,
                Channel::Api,
            )
            .await
            .unwrap();
        assert_eq!(moved.updated_at, "2026-03-02T10:05:07Z");
        assert_eq!(moved.history[1].at, "2026-03-02T10:05:07Z");

        let audit = registry.audit_log(Some(created.id)).await.unwrap();
        assert_eq!(audit.len(), 2);
        let (create, status) = (&audit[0], &audit[1]);
        assert_eq!(
            (
                create.principal_kind.as_str(),
                create.user_id,
                create.organisation_id
            ),
            ("user", Some(7), Some(3))
        );
        assert_eq!(create.at, "2026-03-02T08:05:07Z");
        assert_eq!(create.before, None);
        assert_eq!(
            create.after.as_deref(),
            Some(r#"{"operator":"pole-ess","scheme":"cjs","status":"proposee"}"#)
        );
        assert_eq!(
            (
                status.principal_kind.as_str(),
                status.user_id,
                status.organisation_id
            ),
            ("link", None, None)
        );
        assert_eq!(status.at, "2026-03-02T10:05:07Z");
        assert_eq!(status.before.as_deref(), Some(r#"{"status":"proposee"}"#));
        assert_eq!(status.after.as_deref(), Some(r#"{"status":"acceptee"}"#));
        for a in &audit {
            let all = format!("{a:?}");
            assert!(
                !all.contains("Maurepas") && !all.contains("06 00"),
                "no personal data in the audit log: {all}"
            );
        }
        t.finish().await;
    }
}

/// The SQL of a SQLite migration, as the registry embeds it.
fn sqlite_migration(version: i64) -> String {
    migrations::SQLITE
        .iter()
        .find(|m| m.version == version)
        .unwrap()
        .sql
        .as_str()
        .to_owned()
}

#[tokio::test]
async fn a_registry_of_the_old_migration_table_is_adopted_and_keeps_its_rows() {
    // Registries written before sqlx recorded their migrations in `schema_migration`: one of
    // schema 1, with audit rows written before the audit log named its authors (creations by
    // people without an account, status changes by link holders).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registre.sqlite");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);",
        )
        .unwrap();
        conn.execute_batch(&sqlite_migration(1)).unwrap();
        conn.execute(
            "INSERT INTO schema_migration VALUES (1, 'referrals, their history and the audit log', '2026-01-01T00:00:00Z')",
            [],
        )
        .unwrap();
        conn.execute_batch(
            "INSERT INTO audit_log (at, action, object_type, object_id, channel, detail) VALUES
                 ('2026-01-02T00:00:00Z', 'referral.create', 'referral', 1, 'page', '{}'),
                 ('2026-01-03T00:00:00Z', 'referral.status', 'referral', 1, 'api', '{}');",
        )
        .unwrap();
    }
    let registry = Registry::open(&path).await.unwrap();
    assert_eq!(
        registry.schema_version().await.unwrap(),
        migrations::latest()
    );
    let kinds: Vec<String> = registry
        .audit_log(None)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.principal_kind)
        .collect();
    assert_eq!(kinds, ["anonymous", "link"]);
    registry.close().await;
    let conn = rusqlite::Connection::open(&path).unwrap();
    let old: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'schema_migration'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(old, 0, "the old table is gone once adopted");
    drop(conn);
    // Opening again changes nothing.
    let again = Registry::open(&path).await.unwrap();
    assert_eq!(again.audit_log(None).await.unwrap().len(), 2);

    // A registry of the old table at a version this essor does not know is refused.
    let newer = dir.path().join("futur.sqlite");
    rusqlite::Connection::open(&newer)
        .unwrap()
        .execute_batch(
            "CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
             INSERT INTO schema_migration VALUES (99, 'future', '2099-01-01T00:00:00Z');",
        )
        .unwrap();
    assert!(matches!(
        Registry::open(&newer).await.unwrap_err(),
        RegistryError::NewerSchema { found: 99, .. }
    ));
}

#[cfg(unix)]
#[tokio::test]
async fn personal_data_live_in_a_0600_file_of_a_0700_folder() {
    // Issue 11, point 3: registre.sqlite and its -wal/-shm were created 0644.
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("magasin");
    let registry = Registry::open_in(&store).await.unwrap();
    registry
        .create_referral(new_referral(), &Principal::Anonymous, Channel::Page)
        .await
        .unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(
        mode(&store),
        0o700,
        "a folder essor creates for the registry"
    );
    for name in [
        "registre.sqlite",
        "registre.sqlite-wal",
        "registre.sqlite-shm",
    ] {
        let p = store.join(name);
        assert!(p.exists(), "{name}");
        assert_eq!(mode(&p), 0o600, "{name}");
    }
    registry.close().await;
    // A file made loose by hand is tightened when opened again.
    let file = store.join("registre.sqlite");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    Registry::open_in(&store).await.unwrap().close().await;
    assert_eq!(mode(&file), 0o600);
}

#[tokio::test]
async fn a_link_opens_its_referral_until_it_expires_or_is_revoked() {
    // Issue 11, point 3: secret links never expired and could not be revoked.
    for t in TestRegistry::each().await {
        let retention = Retention {
            link_days: 30,
            ..Retention::default()
        };
        let (registry, clock) = clocked(&t, retention);
        let (created, token) = registry
            .create_referral(new_referral(), &Principal::Anonymous, Channel::Page)
            .await
            .unwrap();
        assert_eq!(
            created.link_expires_at.as_deref(),
            Some("2026-04-01T08:05:07Z")
        );
        clock.advance(time::Duration::days(30) - time::Duration::seconds(1));
        assert!(registry.referral_by_token(&token).await.unwrap().is_some());
        clock.advance(time::Duration::seconds(1));
        let expired = registry.referral_by_token(&token).await.unwrap_err();
        assert_eq!(
            expired.to_string(),
            "ce lien a expiré le 2026-04-01T08:05:07Z : demandez un nouveau lien à la personne qui a fait la mise en relation"
        );
        let refused = registry
            .change_status(
                &token,
                &change(Status::Acceptee, None),
                &Principal::LinkHolder,
                Channel::Api,
            )
            .await
            .unwrap_err();
        assert!(
            matches!(refused, RegistryError::LinkExpired { .. }),
            "{refused}"
        );

        // Revocation: the link holder closes it; nothing opens it afterwards.
        let (_, other) = registry
            .create_referral(new_referral(), &Principal::Anonymous, Channel::Page)
            .await
            .unwrap();
        registry
            .revoke_link(&other, &Principal::LinkHolder, Channel::Page)
            .await
            .unwrap();
        assert!(matches!(
            registry.referral_by_token(&other).await.unwrap_err(),
            RegistryError::LinkRevoked
        ));
        assert!(matches!(
            registry
                .revoke_link(&other, &Principal::LinkHolder, Channel::Page)
                .await,
            Err(RegistryError::LinkRevoked)
        ));
        let actions: Vec<String> = registry
            .audit_log(None)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.action)
            .collect();
        assert_eq!(
            actions,
            ["referral.create", "referral.create", "referral.link_revoke"]
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn names_and_contacts_are_erased_after_the_retention_and_the_rest_is_kept() {
    // Issue 11, point 3: referrals were never purged.
    for t in TestRegistry::each().await {
        let (registry, clock) = clocked(&t, Retention::default());
        let (old, _) = registry
            .create_referral(new_referral(), &Principal::Anonymous, Channel::Page)
            .await
            .unwrap();
        clock.advance(time::Duration::days(400));
        let (recent, _) = registry
            .create_referral(new_referral(), &Principal::Anonymous, Channel::Page)
            .await
            .unwrap();
        // Just over 24 months after the first one's last change, not yet after the second's.
        clock.advance(time::Duration::days(332));
        assert_eq!(registry.purge().await.unwrap(), 1);
        assert_eq!(
            registry.purge().await.unwrap(),
            0,
            "purging twice erases nothing more"
        );
        let raw = t.raw().await;
        let row = |id: i64| {
            sqlx::query_as::<_, (String, String, String, Option<String>)>(
                "SELECT person, contact, scheme_id, contact_erased_at FROM referral WHERE id = $1",
            )
            .bind(id)
            .fetch_one(&raw)
        };
        let (person, contact, scheme, erased) = row(old.id).await.unwrap();
        assert_eq!(
            (person.as_str(), contact.as_str(), scheme.as_str()),
            ("", "", "cjs")
        );
        assert_eq!(erased.as_deref(), Some("2028-03-03T08:05:07Z"));
        assert_eq!(
            row(recent.id).await.unwrap().0,
            "Collectif jeunesse Maurepas"
        );
        raw.close().await;
        let audit = registry.audit_log(Some(old.id)).await.unwrap();
        let erase = audit.last().unwrap();
        assert_eq!(
            (
                erase.action.as_str(),
                erase.principal_kind.as_str(),
                erase.channel.as_str()
            ),
            ("referral.erase", "system", "task")
        );
        assert_eq!(erase.principal_detail.as_deref(), Some("purge"));
        t.finish().await;
    }
}
