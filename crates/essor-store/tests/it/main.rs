//! essor-store's integration tests, one binary: real SQLite files in temporary folders and,
//! when `ESSOR_TEST_POSTGRES` names a server, PostgreSQL too.

mod accounts;
mod invitations;
mod oidc;
mod registry;
mod snapshot;
