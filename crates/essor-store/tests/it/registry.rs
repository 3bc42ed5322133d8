//! The registry on a real `registre.sqlite`: migrations, the referral lifecycle, atomicity
//! of each change with its history and audit rows, and refused changes that write nothing.

use essor_store::registry::{
    Channel, FixedClock, NewReferral, Principal, ReferralFilter, ReferralToken, Registry,
    RegistryError, Retention, Status, StatusChange, TransitionError, migrations::MIGRATIONS,
};
use rusqlite::Connection;

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
fn counts(dir: &std::path::Path) -> (i64, i64, i64) {
    let conn = Connection::open(dir.join("registre.sqlite")).unwrap();
    let count = |t: &str| {
        conn.query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0))
            .unwrap()
    };
    (
        count("referral"),
        count("referral_event"),
        count("audit_log"),
    )
}

fn change(to: Status, reason: Option<&str>) -> StatusChange {
    StatusChange {
        to,
        reason: reason.map(str::to_owned),
    }
}

#[test]
fn opening_creates_the_file_and_migrating_twice_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("magasin");
    let registry = Registry::open_in(&store).unwrap();
    assert!(store.join("registre.sqlite").is_file());
    let latest = MIGRATIONS.last().unwrap().version;
    assert_eq!(registry.schema_version().unwrap(), latest);
    let (_, token) = registry
        .create_referral(new_referral(), &Principal::Anonymous, Channel::Api)
        .unwrap();
    drop(registry);

    let again = Registry::open_in(&store).unwrap();
    assert_eq!(again.schema_version().unwrap(), latest);
    let conn = Connection::open(store.join("registre.sqlite")).unwrap();
    let applied: i64 = conn
        .query_row("SELECT COUNT(*) FROM schema_migration", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        applied,
        MIGRATIONS.len() as i64,
        "each migration recorded once"
    );
    assert_eq!(
        again.referral_by_token(&token).unwrap().unwrap().person,
        "Collectif jeunesse Maurepas",
        "data kept across openings"
    );
}

#[test]
fn a_registry_written_by_a_newer_essor_is_refused_in_french() {
    let dir = tempfile::tempdir().unwrap();
    drop(Registry::open_in(dir.path()).unwrap());
    let conn = Connection::open(dir.path().join("registre.sqlite")).unwrap();
    conn.execute(
        "INSERT INTO schema_migration VALUES (99, 'future', '2099-01-01T00:00:00Z')",
        [],
    )
    .unwrap();
    drop(conn);
    let err = Registry::open_in(dir.path()).unwrap_err();
    assert!(matches!(err, RegistryError::NewerSchema { found: 99, .. }));
    assert!(
        err.to_string()
            .contains("créé par une version plus récente d'essor (schéma 99"),
        "{err}"
    );
}

#[test]
fn a_referral_goes_through_its_lifecycle_with_dated_history_and_audit_rows() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::open_in(dir.path()).unwrap();
    let (created, token) = registry
        .create_referral(new_referral(), &Principal::Anonymous, Channel::Page)
        .unwrap();
    assert_eq!(created.status, Status::Proposee);
    assert_eq!(created.history.len(), 1);
    assert!(created.created_at.ends_with('Z') && created.created_at.len() == 20);

    registry
        .change_status(
            &token,
            &change(Status::Acceptee, None),
            &Principal::LinkHolder,
            Channel::Api,
        )
        .unwrap();
    registry
        .change_status(
            &token,
            &change(Status::EnCours, Some("premier rendez-vous fixé")),
            &Principal::LinkHolder,
            Channel::Api,
        )
        .unwrap();
    let done = registry
        .change_status(
            &token,
            &change(Status::Terminee, None),
            &Principal::LinkHolder,
            Channel::Page,
        )
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

    let audit = registry.audit_log(Some(done.id)).unwrap();
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
}

#[test]
fn a_refused_change_returns_the_exact_french_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::open_in(dir.path()).unwrap();
    let (_, token) = registry
        .create_referral(new_referral(), &Principal::Anonymous, Channel::Api)
        .unwrap();
    let before = counts(dir.path());
    assert_eq!(before, (1, 1, 1));

    let err = registry
        .change_status(
            &token,
            &change(Status::Terminee, None),
            &Principal::LinkHolder,
            Channel::Api,
        )
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
        .unwrap_err();
    assert!(matches!(
        err,
        RegistryError::Transition(TransitionError::ReasonRequired { .. })
    ));
    assert_eq!(counts(dir.path()), before, "nothing written");
    let unchanged = registry.referral_by_token(&token).unwrap().unwrap();
    assert_eq!(unchanged.status, Status::Proposee);
    assert_eq!(unchanged.updated_at, unchanged.created_at);

    // An unknown link and an invalid new referral write nothing either.
    let stranger = ReferralToken::generate().unwrap();
    assert!(matches!(
        registry.change_status(
            &stranger,
            &change(Status::Acceptee, None),
            &Principal::LinkHolder,
            Channel::Api
        ),
        Err(RegistryError::NotFound)
    ));
    let mut no_consent = new_referral();
    no_consent.consent = false;
    let err = registry
        .create_referral(no_consent, &Principal::Anonymous, Channel::Api)
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("champ « consent » : l'accord de la personne"),
        "{err}"
    );
    assert_eq!(counts(dir.path()), before);
}

#[test]
fn a_change_and_its_audit_row_are_one_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::open_in(dir.path()).unwrap();
    let (_, token) = registry
        .create_referral(new_referral(), &Principal::Anonymous, Channel::Api)
        .unwrap();
    // Make the audit insert fail, as a full disk or a bug would: the status change before it
    // in the same transaction must be rolled back.
    let conn = Connection::open(dir.path().join("registre.sqlite")).unwrap();
    conn.execute_batch(
        "CREATE TRIGGER audit_fails BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit refused'); END;",
    )
    .unwrap();
    let before = counts(dir.path());
    let err = registry
        .change_status(
            &token,
            &change(Status::Acceptee, None),
            &Principal::LinkHolder,
            Channel::Api,
        )
        .unwrap_err();
    assert!(err.to_string().contains("audit refused"), "{err}");
    assert_eq!(counts(dir.path()), before);
    assert_eq!(
        registry.referral_by_token(&token).unwrap().unwrap().status,
        Status::Proposee
    );
    // Same for a creation.
    assert!(
        registry
            .create_referral(new_referral(), &Principal::Anonymous, Channel::Api)
            .is_err()
    );
    assert_eq!(counts(dir.path()), before);
    conn.execute_batch("DROP TRIGGER audit_fails;").unwrap();
    registry
        .change_status(
            &token,
            &change(Status::Acceptee, None),
            &Principal::LinkHolder,
            Channel::Api,
        )
        .unwrap();
    assert_eq!(counts(dir.path()), (1, 2, 2));
}

#[test]
fn only_the_hash_of_a_token_is_stored_and_listings_carry_no_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::open_in(dir.path()).unwrap();
    let (created, token) = registry
        .create_referral(new_referral(), &Principal::Anonymous, Channel::Api)
        .unwrap();
    let mut other = new_referral();
    other.operator_id = "cae-parrain".into();
    other.operator_name = "CAE marraine".into();
    registry
        .create_referral(other, &Principal::Anonymous, Channel::Api)
        .unwrap();

    let bytes = std::fs::read(dir.path().join("registre.sqlite")).unwrap();
    let wal = std::fs::read(dir.path().join("registre.sqlite-wal")).unwrap_or_default();
    let found =
        |hay: &[u8], needle: &str| hay.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(
        !found(&bytes, token.expose()) && !found(&wal, token.expose()),
        "token stored in clear"
    );
    assert!(found(&bytes, &token.hash()) || found(&wal, &token.hash()));

    let listing = registry
        .list_referrals(&ReferralFilter {
            operator_id: Some("pole-ess".into()),
            ..Default::default()
        })
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
        .unwrap();
    assert!(by_status.is_empty());
    assert_eq!(
        registry
            .list_referrals(&ReferralFilter::default())
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn every_audit_row_names_its_author_and_keeps_the_state_before_and_after() {
    // Issue 10: writes know their author; time comes from the application clock.
    let dir = tempfile::tempdir().unwrap();
    // 2026-03-02T08:05:07Z.
    let clock = std::sync::Arc::new(FixedClock::new(
        time::OffsetDateTime::from_unix_timestamp(1_772_438_707).unwrap(),
    ));
    let registry = Registry::open_in(dir.path())
        .unwrap()
        .with_clock(clock.clone());
    let agent = Principal::User {
        user_id: 7,
        organisation_id: Some(3),
    };
    let (created, token) = registry
        .create_referral(new_referral(), &agent, Channel::Page)
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
        .unwrap();
    assert_eq!(moved.updated_at, "2026-03-02T10:05:07Z");
    assert_eq!(moved.history[1].at, "2026-03-02T10:05:07Z");

    let audit = registry.audit_log(Some(created.id)).unwrap();
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
}

#[test]
fn a_registry_of_schema_1_keeps_its_audit_rows_attributed_when_migrated() {
    // Registry schema 2 adds the author to the audit log: rows written before are the
    // creations of people without an account and the status changes of link holders.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registre.sqlite");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);",
        )
        .unwrap();
        conn.execute_batch(MIGRATIONS[0].sql).unwrap();
        conn.execute(
            "INSERT INTO schema_migration VALUES (1, ?1, '2026-01-01T00:00:00Z')",
            [MIGRATIONS[0].name],
        )
        .unwrap();
        conn.execute_batch(
            "INSERT INTO audit_log (at, action, object_type, object_id, channel, detail) VALUES
                 ('2026-01-02T00:00:00Z', 'referral.create', 'referral', 1, 'page', '{}'),
                 ('2026-01-03T00:00:00Z', 'referral.status', 'referral', 1, 'api', '{}');",
        )
        .unwrap();
    }
    let registry = Registry::open(&path).unwrap();
    assert_eq!(
        registry.schema_version().unwrap(),
        MIGRATIONS.last().unwrap().version
    );
    let kinds: Vec<String> = registry
        .audit_log(None)
        .unwrap()
        .into_iter()
        .map(|a| a.principal_kind)
        .collect();
    assert_eq!(kinds, ["anonymous", "link"]);
}

/// A registry in `dir` on a clock at 2026-03-02T08:05:07Z, with `retention`.
fn clocked(dir: &std::path::Path, retention: Retention) -> (Registry, std::sync::Arc<FixedClock>) {
    let clock = std::sync::Arc::new(FixedClock::new(
        time::OffsetDateTime::from_unix_timestamp(1_772_438_707).unwrap(),
    ));
    let registry = Registry::open_in(dir)
        .unwrap()
        .with_clock(clock.clone())
        .with_retention(retention);
    (registry, clock)
}

#[cfg(unix)]
#[test]
fn personal_data_live_in_a_0600_file_of_a_0700_folder() {
    // Issue 11, point 3: registre.sqlite and its -wal/-shm were created 0644.
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("magasin");
    let registry = Registry::open_in(&store).unwrap();
    registry
        .create_referral(new_referral(), &Principal::Anonymous, Channel::Page)
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
    drop(registry);
    // A file made loose by hand is tightened when opened again.
    let file = store.join("registre.sqlite");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    drop(Registry::open_in(&store).unwrap());
    assert_eq!(mode(&file), 0o600);
}

#[test]
fn a_link_opens_its_referral_until_it_expires_or_is_revoked() {
    // Issue 11, point 3: secret links never expired and could not be revoked.
    let dir = tempfile::tempdir().unwrap();
    let retention = Retention {
        link_days: 30,
        ..Retention::default()
    };
    let (registry, clock) = clocked(dir.path(), retention);
    let (created, token) = registry
        .create_referral(new_referral(), &Principal::Anonymous, Channel::Page)
        .unwrap();
    assert_eq!(
        created.link_expires_at.as_deref(),
        Some("2026-04-01T08:05:07Z")
    );
    clock.advance(time::Duration::days(30) - time::Duration::seconds(1));
    assert!(registry.referral_by_token(&token).unwrap().is_some());
    clock.advance(time::Duration::seconds(1));
    let expired = registry.referral_by_token(&token).unwrap_err();
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
        .unwrap_err();
    assert!(
        matches!(refused, RegistryError::LinkExpired { .. }),
        "{refused}"
    );

    // Revocation: the link holder closes it; nothing opens it afterwards.
    let (_, other) = registry
        .create_referral(new_referral(), &Principal::Anonymous, Channel::Page)
        .unwrap();
    registry
        .revoke_link(&other, &Principal::LinkHolder, Channel::Page)
        .unwrap();
    assert!(matches!(
        registry.referral_by_token(&other).unwrap_err(),
        RegistryError::LinkRevoked
    ));
    assert!(matches!(
        registry.revoke_link(&other, &Principal::LinkHolder, Channel::Page),
        Err(RegistryError::LinkRevoked)
    ));
    let actions: Vec<String> = registry
        .audit_log(None)
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(
        actions,
        ["referral.create", "referral.create", "referral.link_revoke"]
    );
}

#[test]
fn names_and_contacts_are_erased_after_the_retention_and_the_rest_is_kept() {
    // Issue 11, point 3: referrals were never purged.
    let dir = tempfile::tempdir().unwrap();
    let (registry, clock) = clocked(dir.path(), Retention::default());
    let (old, _) = registry
        .create_referral(new_referral(), &Principal::Anonymous, Channel::Page)
        .unwrap();
    clock.advance(time::Duration::days(400));
    let (recent, _) = registry
        .create_referral(new_referral(), &Principal::Anonymous, Channel::Page)
        .unwrap();
    // Just over 24 months after the first one's last change, not yet after the second's.
    clock.advance(time::Duration::days(332));
    assert_eq!(registry.purge().unwrap(), 1);
    assert_eq!(
        registry.purge().unwrap(),
        0,
        "purging twice erases nothing more"
    );
    let conn = Connection::open(dir.path().join("registre.sqlite")).unwrap();
    let row = |id: i64| -> (String, String, String, Option<String>) {
        conn.query_row(
            "SELECT person, contact, scheme_id, contact_erased_at FROM referral WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap()
    };
    let (person, contact, scheme, erased) = row(old.id);
    assert_eq!(
        (person.as_str(), contact.as_str(), scheme.as_str()),
        ("", "", "cjs")
    );
    assert!(erased.is_some());
    assert_eq!(row(recent.id).0, "Collectif jeunesse Maurepas");
    let audit = registry.audit_log(Some(old.id)).unwrap();
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
}
