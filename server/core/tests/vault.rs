//! Conformance tests of the vault, on SQLite and PostgreSQL: items without their secrets in
//! every answer but a reveal, reveals only with `reveal` and audited, no plaintext anywhere in
//! the database, and ciphertexts that do not open in another row or tenant.

use hub_core::{
    conformance,
    db::Backend,
    testing::{licensed_admin, signed_in_technician, TestDb},
    Hub, HubError, Principal,
};
use hub_model::{
    permissions::{Action, Permission, PermissionSet, ResourceKind},
    vault::{ItemKind, VaultItemInput, VaultQuery},
};

fn item(name: &str, secret: &str) -> VaultItemInput {
    VaultItemInput {
        name: name.to_owned(),
        kind: ItemKind::Password,
        username: "administrator".to_owned(),
        url: "https://portal.example.com".to_owned(),
        notes: "Domain admin of the office".to_owned(),
        tags: vec!["Office".to_owned(), "ad".to_owned()],
        secret: Some(secret.to_owned()),
    }
}

async fn technician(hub: &Hub, admin: &Principal, email: &str) -> Principal {
    signed_in_technician(hub, admin, "Tech", email).await
}

fn field(result: Result<impl std::fmt::Debug, HubError>) -> String {
    match result {
        Err(HubError::InvalidInput { field, .. }) => field,
        other => panic!("expected invalid input, got {other:?}"),
    }
}

conformance!(
    items_never_carry_their_secret_and_a_reveal_needs_reveal,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 10).await;
        let a = hub.create_tenant(&admin, "Tenant A").await.expect("a");
        let made = hub
            .create_vault_item(&admin, &a.slug, &item("Office admin", "Tr0ub4dor&3-A"))
            .await
            .expect("create");
        assert_eq!(made.tags, ["office", "ad"]);
        assert!(!format!("{made:?}").contains("Tr0ub4dor"));
        let page = hub
            .vault_items(&admin, &a.slug, &VaultQuery::default())
            .await
            .expect("list");
        assert_eq!(page.total, 1);
        assert!(!format!("{page:?}").contains("Tr0ub4dor"));
        let found = hub
            .vault_items(
                &admin,
                &a.slug,
                &VaultQuery {
                    search: "OFFICE".into(),
                    kind: Some(ItemKind::Password),
                    ..VaultQuery::default()
                },
            )
            .await
            .expect("search");
        assert_eq!(found.total, 1);

        // Bad input names its field and writes nothing.
        for (bad, name) in [
            (item("", "x"), "name"),
            (item("a.b", "x"), "name"),
            (item("{{x}}", "x"), "name"),
            (item("Empty", ""), "secret"),
            (item("Nul", "a\u{0}b"), "secret"),
            (item("Huge", &"x".repeat(16 * 1024 + 1)), "secret"),
            (
                VaultItemInput {
                    tags: vec!["two words".into()],
                    ..item("Tagged", "x")
                },
                "tags",
            ),
            (
                VaultItemInput {
                    url: "x".repeat(501),
                    ..item("Long", "x")
                },
                "url",
            ),
            (item("office ADMIN", "x"), "name"),
        ] {
            assert_eq!(
                field(hub.create_vault_item(&admin, &a.slug, &bad).await),
                name
            );
        }
        assert_eq!(
            hub.vault_items(&admin, &a.slug, &VaultQuery::default())
                .await
                .expect("list")
                .total,
            1
        );

        // A technician who builds with the vault but may not reveal: sees and edits, never reads.
        let tech = technician(&hub, &admin, "builder@msp.example").await;
        let mut rights = PermissionSet::all();
        rights.remove(Permission::new(ResourceKind::Vault, Action::Reveal));
        hub.assign_tenants(&admin, tech.user_id, &[a.id], rights)
            .await
            .expect("assign");
        assert_eq!(
            hub.reveal_vault_secret(&tech, &a.slug, made.id).await.err(),
            Some(HubError::Forbidden)
        );
        let kept = hub
            .update_vault_item(
                &tech,
                &a.slug,
                made.id,
                &VaultItemInput {
                    secret: None,
                    notes: "Renamed by the technician".into(),
                    ..item("Office admin (old)", "ignored")
                },
            )
            .await
            .expect("update keeping the secret");
        assert_eq!(kept.secret_changed_at, made.secret_changed_at);
        let revealed = hub
            .reveal_vault_secret(&admin, &a.slug, made.id)
            .await
            .expect("reveal");
        assert_eq!(revealed.secret, "Tr0ub4dor&3-A");
        assert!(
            !format!("{revealed:?}").contains("Tr0ub4dor"),
            "Debug hides it"
        );
        // A new secret restarts the rotation age.
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let rotated = hub
            .update_vault_item(
                &tech,
                &a.slug,
                made.id,
                &item("Office admin (old)", "new-Secret-42"),
            )
            .await
            .expect("new secret");
        assert!(rotated.secret_changed_at > made.secret_changed_at);
        assert!(rotated.last_revealed_at.is_some());
        assert_eq!(
            hub.reveal_vault_secret(&admin, &a.slug, made.id)
                .await
                .expect("reveal")
                .secret,
            "new-Secret-42"
        );
        // Every reveal is in the audit log, naming the item and never the secret.
        let owner = db.owner_pool().await;
        let reveals: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT target, outcome, detail FROM audit_events WHERE action = 'vault.reveal' ORDER BY at",
        )
        .fetch_all(&owner)
        .await
        .expect("audit");
        assert_eq!(reveals.len(), 3, "{reveals:?}");
        assert_eq!(reveals[0].1, "denied");
        assert!(reveals
            .iter()
            .skip(1)
            .all(|r| r.0 == "Office admin (old)" && r.1 == "allowed"));
        let details: Vec<String> =
            sqlx::query_scalar("SELECT target || ' ' || detail FROM audit_events")
                .fetch_all(&owner)
                .await
                .expect("audit");
        assert!(details
            .iter()
            .all(|d| !d.contains("Tr0ub4dor") && !d.contains("new-Secret")));

        hub.delete_vault_item(&tech, &a.slug, made.id)
            .await
            .expect("delete");
        assert!(matches!(
            hub.reveal_vault_secret(&admin, &a.slug, made.id).await,
            Err(HubError::NotFound { .. })
        ));
    }
);

conformance!(
    no_secret_is_stored_in_plaintext_and_none_opens_in_another_row_or_tenant,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 10).await;
        let a = hub.create_tenant(&admin, "Tenant A").await.expect("a");
        let b = hub.create_tenant(&admin, "Tenant B").await.expect("b");
        let secrets = ["PLAINTEXT-CANARY-alpha-9f3", "PLAINTEXT-CANARY-bravo-27c"];
        let one = hub
            .create_vault_item(&admin, &a.slug, &item("One", secrets[0]))
            .await
            .expect("one");
        let two = hub
            .create_vault_item(&admin, &a.slug, &item("Two", secrets[1]))
            .await
            .expect("two");
        let in_b = hub
            .create_vault_item(&admin, &b.slug, &item("One", "PLAINTEXT-CANARY-b"))
            .await
            .expect("b");

        // Every text column of every table, as the database owner reads it.
        let owner = db.owner_pool().await;
        let columns: Vec<(String, String)> = match backend {
            Backend::Postgres => sqlx::query_as(
                "SELECT table_name::text, column_name::text FROM information_schema.columns \
                 WHERE table_schema = 'public' AND data_type IN ('text', 'character varying')",
            )
            .fetch_all(&owner)
            .await
            .expect("columns"),
            Backend::Sqlite => {
                let tables: Vec<String> = sqlx::query_scalar(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                )
                .fetch_all(&owner)
                .await
                .expect("tables");
                let mut columns = Vec::new();
                for table in tables {
                    let names: Vec<String> = sqlx::query_scalar(&format!(
                        "SELECT name FROM pragma_table_info('{table}')"
                    ))
                    .fetch_all(&owner)
                    .await
                    .expect("columns");
                    columns.extend(names.into_iter().map(|c| (table.clone(), c)));
                }
                columns
            }
        };
        assert!(columns
            .iter()
            .any(|(t, c)| t == "vault_items" && c == "secret"));
        for (table, column) in &columns {
            let hits: i64 = sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM {table} WHERE CAST({column} AS TEXT) LIKE '%CANARY%'"
            ))
            .fetch_one(&owner)
            .await
            .unwrap_or_else(|e| panic!("{table}.{column}: {e}"));
            assert_eq!(hits, 0, "{table}.{column} holds a secret in plaintext");
        }
        // SQLite: not in the database file, nor in its write-ahead log, either.
        if backend == Backend::Sqlite {
            for entry in std::fs::read_dir(&db.dir).expect("dir").flatten() {
                let bytes = std::fs::read(entry.path()).expect("read");
                assert!(
                    !bytes.windows(15).any(|w| w == b"PLAINTEXT-CANAR"),
                    "{} holds a secret in plaintext",
                    entry.path().display()
                );
            }
        }

        // A ciphertext moved to another row, or to another tenant's row, does not open.
        let sealed = |id: String| {
            let owner = owner.clone();
            async move {
                sqlx::query_scalar::<_, String>("SELECT secret FROM vault_items WHERE id = $1")
                    .bind(id)
                    .fetch_one(&owner)
                    .await
                    .expect("sealed")
            }
        };
        let one_sealed = sealed(one.id.to_string()).await;
        for target in [two.id.to_string(), in_b.id.to_string()] {
            sqlx::query("UPDATE vault_items SET secret = $1 WHERE id = $2")
                .bind(&one_sealed)
                .bind(&target)
                .execute(&owner)
                .await
                .expect("swap");
        }
        for (slug, id) in [(&a.slug, two.id), (&b.slug, in_b.id)] {
            match hub.reveal_vault_secret(&admin, slug, id).await {
                Err(HubError::Internal { .. }) => {}
                other => panic!("a moved ciphertext opened or failed oddly: {other:?}"),
            }
        }
        assert_eq!(
            hub.reveal_vault_secret(&admin, &a.slug, one.id)
                .await
                .expect("its own row")
                .secret,
            secrets[0]
        );
        // Tenant B's data key moved into tenant A does not open there either.
        let b_key: (String, String) =
            sqlx::query_as("SELECT wrapped, kek_fingerprint FROM vault_keys WHERE tenant_id = $1")
                .bind(b.id.to_string())
                .fetch_one(&owner)
                .await
                .expect("b key");
        sqlx::query("UPDATE vault_keys SET wrapped = $1 WHERE tenant_id = $2")
            .bind(&b_key.0)
            .bind(a.id.to_string())
            .execute(&owner)
            .await
            .expect("swap keys");
        assert!(matches!(
            hub.reveal_vault_secret(&admin, &a.slug, one.id).await,
            Err(HubError::Internal { .. })
        ));
    }
);

/// A hub over `db` whose vault accepts `current` and `others` (key file bytes).
async fn hub_with_keks(db: &TestDb, current: [u8; 32], others: &[[u8; 32]]) -> Hub {
    use std::sync::Arc;
    let settings = hub_core::HubSettings {
        vault_keks: hub_core::vault::KekFiles {
            current: Some(Arc::new(current.to_vec().into())),
            others: others.iter().map(|k| Arc::new(k.to_vec().into())).collect(),
        },
        ..hub_core::testing::test_settings()
    };
    Hub::new(db.open().await, &[7u8; 32], &[8u8; 32], settings).expect("hub")
}

conformance!(
    rotating_the_kek_rewraps_every_tenant_at_once_and_an_interrupted_one_loses_nothing,
    |backend: Backend| async move {
        use hub_core::vault::crypto::Kek;
        let db = TestDb::new(backend).await;
        let (old, new, newer) = ([1u8; 32], [2u8; 32], [3u8; 32]);
        let hub = hub_with_keks(&db, old, &[]).await;
        let admin = licensed_admin(&hub, 10).await;
        let mut items = Vec::new();
        for name in ["Tenant A", "Tenant B"] {
            let tenant = hub.create_tenant(&admin, name).await.expect("tenant");
            let made = hub
                .create_vault_item(
                    &admin,
                    &tenant.slug,
                    &item("Router", &format!("pw of {name}")),
                )
                .await
                .expect("item");
            items.push((tenant.slug, made.id, format!("pw of {name}")));
        }
        let reveal_all = |hub: Hub,
                          items: Vec<(String, hub_model::VaultItemId, String)>,
                          admin: Principal| async move {
            for (slug, id, secret) in &items {
                match hub.reveal_vault_secret(&admin, slug, *id).await {
                    Ok(revealed) => assert_eq!(&revealed.secret, secret),
                    Err(e) => return Err(e),
                }
            }
            Ok(())
        };

        let rewrapped = hub
            .rotate_vault_kek(&Kek::from_bytes(&new).expect("kek"))
            .await
            .expect("rotate");
        assert_eq!(rewrapped, 2);
        // Run again: nothing left to do.
        assert_eq!(
            hub.rotate_vault_kek(&Kek::from_bytes(&new).expect("kek"))
                .await
                .expect("again"),
            0
        );
        // The new KEK alone opens everything; the old one alone nothing; both (a server
        // restarted mid-rotation) everything.
        reveal_all(
            hub_with_keks(&db, new, &[]).await,
            items.clone(),
            admin.clone(),
        )
        .await
        .expect("new key");
        assert!(reveal_all(
            hub_with_keks(&db, old, &[]).await,
            items.clone(),
            admin.clone()
        )
        .await
        .is_err());
        reveal_all(
            hub_with_keks(&db, old, &[new]).await,
            items.clone(),
            admin.clone(),
        )
        .await
        .expect("either key");

        // A rotation that fails half way (the key of the tenant it reaches last is unreadable,
        // so the other's was already re-wrapped in the transaction) changes nothing.
        let owner = db.owner_pool().await;
        let b_id: String =
            sqlx::query_scalar("SELECT tenant_id FROM vault_keys ORDER BY tenant_id DESC LIMIT 1")
                .fetch_one(&owner)
                .await
                .expect("b");
        let saved: String =
            sqlx::query_scalar("SELECT wrapped FROM vault_keys WHERE tenant_id = $1")
                .bind(&b_id)
                .fetch_one(&owner)
                .await
                .expect("b key");
        sqlx::query("UPDATE vault_keys SET wrapped = 'AAAA' WHERE tenant_id = $1")
            .bind(&b_id)
            .execute(&owner)
            .await
            .expect("damage");
        let current = hub_with_keks(&db, new, &[]).await;
        assert!(current
            .rotate_vault_kek(&Kek::from_bytes(&newer).expect("kek"))
            .await
            .is_err());
        sqlx::query("UPDATE vault_keys SET wrapped = $1 WHERE tenant_id = $2")
            .bind(&saved)
            .bind(&b_id)
            .execute(&owner)
            .await
            .expect("repair");
        let fingerprints: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT kek_fingerprint FROM vault_keys")
                .fetch_all(&owner)
                .await
                .expect("fingerprints");
        assert_eq!(
            fingerprints,
            [Kek::from_bytes(&new).expect("kek").fingerprint().to_owned()],
            "the first tenant's key was not re-wrapped alone"
        );
        reveal_all(current, items, admin)
            .await
            .expect("still the new key");
    }
);

conformance!(
    the_msp_admin_sees_every_vault_at_a_glance_without_secrets,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 10).await;
        let a = hub.create_tenant(&admin, "Alpha").await.expect("a");
        let b = hub.create_tenant(&admin, "Bravo").await.expect("b");
        hub.create_vault_item(&admin, &a.slug, &item("Old router", "governance-canary-1"))
            .await
            .expect("old");
        hub.create_vault_item(
            &admin,
            &a.slug,
            &VaultItemInput {
                kind: ItemKind::Note,
                ..item("Door", "governance-canary-2")
            },
        )
        .await
        .expect("note");
        let in_b = hub
            .create_vault_item(&admin, &b.slug, &item("Switch", "governance-canary-3"))
            .await
            .expect("b");
        hub.reveal_vault_secret(&admin, &b.slug, in_b.id)
            .await
            .expect("reveal");
        // The router's secret is 200 days old.
        let owner = db.owner_pool().await;
        sqlx::query("UPDATE vault_items SET secret_changed_at = $1 WHERE name = 'Old router'")
            .bind(hub_core::clock::now_ms() - 200 * 86_400_000)
            .execute(&owner)
            .await
            .expect("age");

        let view = hub.vault_governance(&admin, 90).await.expect("governance");
        assert!(!format!("{view:?}").contains("canary"));
        let names: Vec<&str> = view.tenants.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["Alpha", "Bravo"]);
        let alpha = &view.tenants[0];
        assert_eq!(
            (alpha.total, alpha.by_kind, alpha.stale),
            (2, [1, 0, 0, 1], 1)
        );
        assert_eq!(alpha.last_revealed_at, None);
        assert!(view.tenants[1].last_revealed_at.is_some());
        assert_eq!(view.stale_items.len(), 1);
        assert_eq!(
            (
                view.stale_items[0].name.as_str(),
                view.stale_items[0].tenant_slug.as_str()
            ),
            ("Old router", a.slug.as_str())
        );
        assert_eq!(
            hub.vault_governance(&admin, 365)
                .await
                .expect("year")
                .stale_items
                .len(),
            0
        );
        for days in [0, -1, 3_651] {
            match hub.vault_governance(&admin, days).await {
                Err(HubError::InvalidInput { field, .. }) => assert_eq!(field, "stale_days"),
                other => panic!("{days}: {other:?}"),
            }
        }
        // The MSP Admin's only: a technician with every right in both tenants is refused.
        let tech = technician(&hub, &admin, "gov@msp.example").await;
        hub.assign_tenants(&admin, tech.user_id, &[a.id, b.id], PermissionSet::all())
            .await
            .expect("assign");
        assert_eq!(
            hub.vault_governance(&tech, 90).await.err(),
            Some(HubError::Forbidden)
        );
    }
);

conformance!(
    fifty_concurrent_creations_give_one_data_key_and_only_typed_refusals,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 10).await;
        let a = hub.create_tenant(&admin, "Tenant A").await.expect("a");
        // The tenant's first items, all at once: half of them with one name.
        let tasks = (0..50).map(|i| {
            let (hub, admin, slug) = (hub.clone(), admin.clone(), a.slug.clone());
            tokio::spawn(async move {
                let name = if i % 2 == 0 {
                    "Shared name".to_owned()
                } else {
                    format!("Item {i}")
                };
                hub.create_vault_item(&admin, &slug, &item(&name, &format!("secret {i}")))
                    .await
            })
        });
        let mut created = 0;
        for result in futures_util::future::join_all(tasks).await {
            match result.expect("join") {
                Ok(_) => created += 1,
                Err(HubError::InvalidInput { field, .. }) if field == "name" => {}
                Err(other) => panic!("only successes and typed refusals: {other:?}"),
            }
        }
        assert_eq!(created, 26, "25 distinct names and one of the shared one");
        let owner = db.owner_pool().await;
        let keys: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM vault_keys")
            .fetch_one(&owner)
            .await
            .expect("keys");
        assert_eq!(keys, 1, "one data key for the tenant");
        let page = hub
            .vault_items(
                &admin,
                &a.slug,
                &VaultQuery {
                    per_page: 100,
                    ..VaultQuery::default()
                },
            )
            .await
            .expect("list");
        assert_eq!(page.total, 26);
        for listed in &page.items {
            hub.reveal_vault_secret(&admin, &a.slug, listed.id)
                .await
                .expect("every secret opens");
        }
    }
);
