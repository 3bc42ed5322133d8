//! The audit log written out: CSV (the one CSV writer, cells that a spreadsheet would run
//! as a formula neutralised) and JSON, the same columns for `essor admin audit` and an
//! organisation's log page.

use super::AuditEntry;
use essor_model::csv_line::{Lines, spreadsheet_text};

/// The columns, in order.
pub const COLUMNS: [&str; 13] = [
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
];

/// The rows as CSV, with a header line.
pub fn csv(rows: &[AuditEntry]) -> Vec<u8> {
    let mut lines = Lines::with_capacity(256 * (rows.len() + 1));
    lines.push(COLUMNS);
    let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    for a in rows {
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
            spreadsheet_text(a.principal_detail.as_deref().unwrap_or_default()).into_owned(),
            spreadsheet_text(&a.detail).into_owned(),
            spreadsheet_text(a.before.as_deref().unwrap_or_default()).into_owned(),
            spreadsheet_text(a.after.as_deref().unwrap_or_default()).into_owned(),
        ]);
    }
    lines.into_bytes()
}

/// The rows as a JSON array (the JSON columns parsed).
pub fn json(rows: &[AuditEntry]) -> serde_json::Value {
    let parse = |t: Option<&str>| t.and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok());
    rows.iter()
        .map(|a| {
            serde_json::json!({
                "id": a.id, "at": a.at, "action": a.action,
                "entity_type": a.object_type, "entity_id": a.object_id,
                "channel": a.channel, "principal": a.principal_kind,
                "user_id": a.user_id, "organisation_id": a.organisation_id,
                "task": a.principal_detail,
                "detail": parse(Some(&a.detail)),
                "before": parse(a.before.as_deref()), "after": parse(a.after.as_deref()),
            })
        })
        .collect()
}

/// A French name for the kind of entity a row is about, for pages.
pub fn entity_label(entity_type: &str) -> &'static str {
    match entity_type {
        "referral" => "mise en relation",
        "organisation" => "organisation",
        "account" => "compte",
        "session" => "session",
        "api_token" => "jeton d'API",
        "invitation" => "invitation",
        _ => "enregistrement",
    }
}

/// A French label for an action, for pages.
pub fn label(action: &str) -> &'static str {
    match action {
        "referral.create" => "mise en relation créée",
        "referral.status" => "statut de mise en relation changé",
        "referral.link_revoke" => "lien secret révoqué",
        "referral.erase" => "coordonnées effacées (durée de conservation échue)",
        "organisation.create" => "organisation créée",
        "organisation.operator" => "opérateur du catalogue rattaché",
        "membership.grant" => "rôle donné",
        "membership.revoke" => "rôle retiré",
        "account.create" => "compte créé",
        "account.instance_admin" => "administration de l'instance donnée",
        "account.erase" => "compte supprimé",
        "session.open" => "connexion",
        "session.close" => "déconnexion",
        "session.close_all" => "déconnexion de toutes les sessions",
        "api_token.create" => "jeton d'API créé",
        "api_token.revoke" => "jeton d'API révoqué",
        _ => "autre modification",
    }
}
