//! Conformance tests of MSP administration: license activation, the protected MSP Admin,
//! tenants and branding. Each runs on SQLite and PostgreSQL.

use hub_core::{
    branding::BrandInput,
    conformance,
    db::Backend,
    tenants::{ACCESS_TABLES, TENANT_TABLES},
    testing::{license_key, licensed_admin, set_up_admin, valid_license, TestDb, TEST_LIMITS},
    Hub, HubError, Principal,
};
use hub_model::{
    license::{Activation, LicenseState},
    session::SystemRole,
    tenants::{StatusFilter, TenantLimits, TenantQuery, TenantSort},
    LicenseProblem, SessionId, UserId,
};
use sqlx::Row as _;
use uuid::Uuid;

async fn scalar(hub: &Hub, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(hub.db().pool_for_tests())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn role_of_admin(hub: &Hub) -> String {
    sqlx::query_scalar("SELECT system_role FROM users WHERE email = 'dana@contoso.example'")
        .fetch_one(hub.db().pool_for_tests())
        .await
        .expect("role")
}

/// Every (table, id, tenant_id) of the tenant tables, sorted, as the owner sees them
/// (row-level security hides them from the server's role when no tenant is set).
async fn tenant_rows(db: &TestDb) -> Vec<(String, String, String)> {
    let owner = db.owner_pool().await;
    let mut rows = Vec::new();
    for table in TENANT_TABLES {
        let key = match *table {
            "tenant_members" => "user_id",
            "autom_run_log" => "run_id",
            "vault_keys" => "CAST(version AS TEXT)",
            _ => "id",
        };
        for row in sqlx::query(&format!("SELECT {key}, tenant_id FROM {table}"))
            .fetch_all(&owner)
            .await
            .expect("rows")
        {
            rows.push((
                (*table).to_owned(),
                row.try_get::<String, _>(0).expect("id"),
                row.try_get::<String, _>(1).expect("tenant"),
            ));
        }
    }
    rows.sort();
    rows
}

fn technician() -> Principal {
    Principal {
        user_id: UserId(Uuid::new_v4()),
        session_id: SessionId(Uuid::new_v4()),
        email: "tech@contoso.example".to_owned(),
        display_name: "Tech".to_owned(),
        role: SystemRole::Technician,
        brand_version: 1,
    }
}

fn query(search: &str, sort: TenantSort, descending: bool, page: u32) -> TenantQuery {
    TenantQuery {
        search: search.to_owned(),
        status: StatusFilter::All,
        sort,
        descending,
        page,
        per_page: 25,
    }
}

conformance!(
    activation_upgrades_the_administrator_and_keeps_all_earlier_data,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = set_up_admin(&hub).await;

        // Data of the organization workspace from before the license: its seeded roles and
        // dashboard, plus a dashboard someone added.
        let org: String = sqlx::query_scalar("SELECT id FROM tenants WHERE kind = 'organization'")
            .fetch_one(hub.db().pool_for_tests())
            .await
            .expect("organization workspace exists from setup");
        sqlx::query("INSERT INTO dashboards (id, tenant_id, name, is_default, created_at) VALUES ($1, $2, 'NOC wall', 0, 1)")
            .bind(Uuid::new_v4().to_string())
            .bind(&org)
            .execute(&db.owner_pool().await)
            .await
            .expect("dashboard");
        let before = tenant_rows(&db).await;
        assert!(
            before.len() >= 9,
            "roles, dashboards and widgets: {before:?}"
        );
        let users_before = scalar(&hub, "SELECT COUNT(*) FROM users").await;
        let audit_before = scalar(&hub, "SELECT COUNT(*) FROM audit_events").await;

        assert_eq!(
            hub.activate_license(Some(&admin), &valid_license(10)).await,
            Ok(Activation::Activated)
        );
        assert_eq!(role_of_admin(&hub).await, "msp_admin");
        let (default_id, name, is_default): (String, String, i64) =
            sqlx::query_as("SELECT id, name, is_default FROM tenants WHERE kind = 'tenant'")
                .fetch_one(hub.db().pool_for_tests())
                .await
                .expect("exactly one tenant");
        assert_eq!((name.as_str(), is_default), ("Default Tenant", 1));
        assert_eq!(
            scalar(
                &hub,
                "SELECT COUNT(*) FROM tenants WHERE kind = 'organization'"
            )
            .await,
            0
        );

        // Every record is still there, same ids, now in the Default Tenant.
        let after = tenant_rows(&db).await;
        let expected: Vec<_> = before
            .into_iter()
            .map(|(table, id, _)| (table, id, default_id.clone()))
            .collect();
        assert_eq!(after, expected);
        assert_eq!(
            scalar(&hub, "SELECT COUNT(*) FROM users").await,
            users_before
        );
        assert_eq!(
            scalar(&hub, "SELECT COUNT(*) FROM audit_events").await,
            audit_before + 1
        );

        // The notice shows until dismissed, then never again.
        let msp = Principal {
            role: SystemRole::MspAdmin,
            ..admin
        };
        assert!(
            hub.license_overview(&msp)
                .await
                .expect("overview")
                .activation_notice
        );
        hub.dismiss_activation_notice(&msp).await.expect("dismiss");
        let overview = hub.license_overview(&msp).await.expect("overview");
        assert!(!overview.activation_notice);
        let license = overview.license.expect("license");
        assert_eq!((license.tenants.used, license.tenants.allowed), (1, 10));
        assert_eq!(license.default_limits, TEST_LIMITS);
        assert!(matches!(
            hub.license_state().await,
            Ok(LicenseState::Active { .. })
        ));
    }
);

conformance!(
    bad_license_keys_each_say_why_and_change_nothing,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = set_up_admin(&hub).await;
        let good = valid_license(5);
        let mut altered = good.clone().into_bytes();
        let last = altered.len() - 3;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).expect("ascii");
        let expired = license_key(5, TEST_LIMITS, 10 * 86_400, -86_400);
        let problem = |r: Result<Activation, HubError>| match r {
            Err(HubError::LicenseInvalid { problem }) => problem,
            other => panic!("expected a license problem, got {other:?}"),
        };
        assert_eq!(
            problem(hub.activate_license(Some(&admin), "garbage").await),
            LicenseProblem::Malformed
        );
        assert_eq!(
            problem(hub.activate_license(Some(&admin), &altered).await),
            LicenseProblem::BadSignature
        );
        assert!(matches!(
            problem(hub.activate_license(None, &expired).await),
            LicenseProblem::Expired { .. }
        ));
        assert_eq!(
            hub.activate_license(Some(&technician()), &good).await,
            Err(HubError::Forbidden)
        );
        assert_eq!(role_of_admin(&hub).await, "administrator");
        assert_eq!(scalar(&hub, "SELECT COUNT(*) FROM license").await, 0);
        assert_eq!(
            scalar(
                &hub,
                "SELECT COUNT(*) FROM tenants WHERE kind = 'organization'"
            )
            .await,
            1
        );
        assert_eq!(hub.license_state().await, Ok(LicenseState::Unlicensed));
    }
);

conformance!(
    a_newer_key_only_updates_the_license,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let old = license_key(3, TEST_LIMITS, 3600, 86_400);
        let admin = set_up_admin(&hub).await;
        hub.activate_license(Some(&admin), &old)
            .await
            .expect("first");
        let admin = Principal {
            role: SystemRole::MspAdmin,
            ..admin
        };
        hub.create_tenant(&admin, "Acme").await.expect("tenant");
        let rows = tenant_rows(&db).await;
        let tenants = scalar(&hub, "SELECT COUNT(*) FROM tenants").await;

        let newer = license_key(
            40,
            TenantLimits {
                automs: 99,
                users: 30,
                agents: 9,
            },
            60,
            365 * 86_400,
        );
        assert_eq!(
            hub.activate_license(None, &newer).await,
            Ok(Activation::Updated)
        );
        let overview = hub.license_overview(&admin).await.expect("overview");
        let license = overview.license.expect("license");
        assert_eq!(license.tenants.allowed, 40);
        assert_eq!(license.default_limits.automs, 99);
        assert_eq!(tenant_rows(&db).await, rows, "tenant data untouched");
        assert_eq!(scalar(&hub, "SELECT COUNT(*) FROM tenants").await, tenants);
        assert_eq!(role_of_admin(&hub).await, "msp_admin");

        // An older key than the active one is refused.
        let older = license_key(100, TEST_LIMITS, 7200, 86_400);
        assert!(matches!(
            hub.activate_license(None, &older).await,
            Err(HubError::InvalidInput { .. })
        ));
        assert_eq!(
            hub.license_overview(&admin)
                .await
                .expect("o")
                .license
                .expect("l")
                .tenants
                .allowed,
            40
        );
    }
);

conformance!(
    the_msp_admin_is_protected_in_the_database,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 5).await;
        let pool = hub.db().pool_for_tests();
        let id = admin.user_id.to_string();
        for sql in [
            "UPDATE users SET system_role = 'technician' WHERE id = $1",
            "UPDATE users SET active = 0 WHERE id = $1",
            "DELETE FROM users WHERE id = $1",
        ] {
            let error = sqlx::query(sql)
                .bind(&id)
                .execute(pool)
                .await
                .expect_err(sql);
            assert!(
                hub_core::db::is_protected_violation(&error),
                "{sql}: {error}"
            );
        }
        // Nobody else can be given the role, neither by insert nor by update.
        let error = sqlx::query(
            "INSERT INTO users (id, email, display_name, password_hash, system_role, created_at, updated_at) \
             VALUES ($1, 'eve@contoso.example', 'Eve', 'x', 'msp_admin', 1, 1)",
        )
        .bind(Uuid::new_v4().to_string())
        .execute(pool)
        .await
        .expect_err("second msp admin");
        assert!(hub_core::db::is_protected_violation(&error), "{error}");
        let tech = Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO users (id, email, display_name, password_hash, system_role, created_at, updated_at) \
             VALUES ($1, 'tom@contoso.example', 'Tom', 'x', 'technician', 1, 1)",
        )
        .bind(&tech)
        .execute(pool)
        .await
        .expect("technician");
        let error = sqlx::query("UPDATE users SET system_role = 'msp_admin' WHERE id = $1")
            .bind(&tech)
            .execute(pool)
            .await
            .expect_err("promote");
        assert!(hub_core::db::is_protected_violation(&error), "{error}");
        assert_eq!(role_of_admin(&hub).await, "msp_admin");

        // The holder still changes their own name and password.
        assert_eq!(
            hub.update_own_name(&admin, " Dana Owner ").await,
            Ok("Dana Owner".to_owned())
        );
        hub.change_own_password(&admin, "a long enough password", "another long password")
            .await
            .expect("password");
        assert_eq!(
            hub.change_own_password(&admin, "wrong", "yet another long one")
                .await
                .err()
                .map(|e| e.status()),
            Some(422)
        );
        let (name, version): (String, i64) =
            sqlx::query_as("SELECT display_name, security_version FROM users WHERE id = $1")
                .bind(&id)
                .fetch_one(pool)
                .await
                .expect("user");
        assert_eq!((name.as_str(), version), ("Dana Owner", 2));
    }
);

conformance!(
    tenants_start_with_a_slug_limits_roles_and_a_dashboard,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 10).await;
        let first = hub
            .create_tenant(&admin, "  Acme Corp ")
            .await
            .expect("first");
        let second = hub
            .create_tenant(&admin, "Acme Corp")
            .await
            .expect("second");
        assert_eq!(
            (first.slug.as_str(), second.slug.as_str()),
            ("acme-corp", "acme-corp-2")
        );
        assert_ne!(first.id, second.id);
        assert_eq!(first.limits, TEST_LIMITS);
        assert!(first.active);
        let detail = hub.tenant_detail(&admin, first.id).await.expect("detail");
        assert_eq!(
            detail.roles,
            vec!["Tenant Admin".to_owned(), "Viewer".to_owned()]
        );
        assert!(detail.technicians.is_empty());
        let widgets: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM dashboard_widgets w JOIN dashboards d ON d.id = w.dashboard_id \
             WHERE d.tenant_id = $1 AND d.is_default = 1",
        )
        .bind(first.id.to_string())
        .fetch_one(&db.owner_pool().await)
        .await
        .expect("widgets");
        assert_eq!(widgets, 5);

        // Bad names change nothing.
        let count = scalar(&hub, "SELECT COUNT(*) FROM tenants").await;
        for bad in ["", "   ", &"x".repeat(101)] {
            assert!(matches!(
                hub.create_tenant(&admin, bad).await,
                Err(HubError::InvalidInput { .. })
            ));
        }
        assert_eq!(scalar(&hub, "SELECT COUNT(*) FROM tenants").await, count);
    }
);

conformance!(
    concurrent_creations_never_exceed_the_license,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        // The Default Tenant is one of the three.
        let admin = licensed_admin(&hub, 3).await;
        let mut tasks = Vec::new();
        for i in 0..6 {
            let (hub, admin) = (hub.clone(), admin.clone());
            tasks.push(tokio::spawn(async move {
                hub.create_tenant(&admin, &format!("Tenant {i}")).await
            }));
        }
        let mut created = 0;
        for task in tasks {
            match task.await.expect("join") {
                Ok(_) => created += 1,
                Err(e) => assert_eq!(
                    e,
                    HubError::LimitReached {
                        resource: "tenants".to_owned(),
                        used: 3,
                        limit: 3
                    }
                ),
            }
        }
        assert_eq!(created, 2);
        assert_eq!(
            scalar(&hub, "SELECT COUNT(*) FROM tenants WHERE kind = 'tenant'").await,
            3
        );
    }
);

conformance!(
    tenants_are_edited_within_the_license_and_deactivated_without_losing_data,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 10).await;
        let tenant = hub.create_tenant(&admin, "Fabrikam").await.expect("create");
        let lower = TenantLimits {
            automs: 10,
            users: 5,
            agents: 1,
        };
        let edited = hub
            .update_tenant(&admin, tenant.id, "Fabrikam Ltd", lower)
            .await
            .expect("edit");
        assert_eq!(
            (edited.name.as_str(), edited.limits, edited.slug.as_str()),
            ("Fabrikam Ltd", lower, "fabrikam")
        );
        let above = TenantLimits {
            automs: TEST_LIMITS.automs + 1,
            ..lower
        };
        assert!(matches!(
            hub.update_tenant(&admin, tenant.id, "X", above).await,
            Err(HubError::InvalidInput { field, .. }) if field == "max_automs"
        ));
        assert_eq!(
            hub.tenant_detail(&admin, tenant.id)
                .await
                .expect("d")
                .tenant
                .name,
            "Fabrikam Ltd"
        );

        let rows = tenant_rows(&db).await;
        let off = hub
            .set_tenant_active(&admin, tenant.id, false)
            .await
            .expect("deactivate");
        assert!(!off.active);
        assert_eq!(
            tenant_rows(&db).await,
            rows,
            "deactivation keeps every record"
        );
        let inactive = TenantQuery {
            status: StatusFilter::Inactive,
            ..query("", TenantSort::Name, false, 1)
        };
        let page = hub.list_tenants(&admin, &inactive).await.expect("list");
        assert_eq!(
            page.items.iter().map(|t| t.id).collect::<Vec<_>>(),
            vec![tenant.id]
        );
        assert!(
            hub.set_tenant_active(&admin, tenant.id, true)
                .await
                .expect("reactivate")
                .active
        );

        let unknown = hub_model::TenantId(Uuid::new_v4());
        assert_eq!(
            hub.set_tenant_active(&admin, unknown, false)
                .await
                .err()
                .map(|e| e.status()),
            Some(404)
        );
    }
);

conformance!(
    an_expired_license_keeps_tenants_working_but_refuses_new_ones,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 10).await;
        let tenant = hub
            .create_tenant(&admin, "Northwind")
            .await
            .expect("create");
        sqlx::query("UPDATE license SET expires_at = 1000")
            .execute(hub.db().pool_for_tests())
            .await
            .expect("expire");
        assert!(matches!(
            hub.license_state().await,
            Ok(LicenseState::Expired { .. })
        ));
        assert!(matches!(
            hub.create_tenant(&admin, "Another").await,
            Err(HubError::LicenseExpired { .. })
        ));
        // Everything that exists keeps working.
        hub.update_tenant(&admin, tenant.id, "Northwind Traders", TEST_LIMITS)
            .await
            .expect("edit");
        hub.set_tenant_active(&admin, tenant.id, false)
            .await
            .expect("deactivate");
        let page = hub
            .list_tenants(&admin, &query("", TenantSort::Name, false, 1))
            .await
            .expect("list");
        assert_eq!(page.total, 2);
    }
);

conformance!(
    the_tenant_list_searches_sorts_filters_and_pages_in_sql,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 100).await;
        for i in 0..59 {
            hub.create_tenant(&admin, &format!("Client {i:02}"))
                .await
                .expect("create");
        }
        hub.create_tenant(&admin, "100%_Real")
            .await
            .expect("create");
        let all = hub
            .list_tenants(&admin, &query("", TenantSort::Name, false, 1))
            .await
            .expect("list");
        assert_eq!((all.total, all.items.len(), all.pages()), (61, 25, 3));
        assert_eq!((all.count.used, all.count.allowed), (61, 100));
        assert_eq!(all.items[0].name, "100%_Real");

        // Pages never overlap and cover everything.
        let mut seen = Vec::new();
        for page in 1..=3 {
            let p = hub
                .list_tenants(&admin, &query("", TenantSort::Created, true, page))
                .await
                .expect("page");
            seen.extend(p.items.into_iter().map(|t| t.id));
        }
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 61);

        // Search: case-insensitive, name or slug, wildcards literal.
        let found = hub
            .list_tenants(&admin, &query("CLIENT 4", TenantSort::Name, false, 1))
            .await
            .expect("search");
        assert_eq!(found.total, 10);
        let by_slug = hub
            .list_tenants(&admin, &query("client-07", TenantSort::Name, false, 1))
            .await
            .expect("slug");
        assert_eq!(
            by_slug
                .items
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>(),
            vec!["Client 07"]
        );
        assert_eq!(
            hub.list_tenants(&admin, &query("%", TenantSort::Name, false, 1))
                .await
                .expect("pct")
                .total,
            1
        );
        assert_eq!(
            hub.list_tenants(&admin, &query("_", TenantSort::Name, false, 1))
                .await
                .expect("us")
                .total,
            1
        );

        // Status and usage orders.
        let acme = hub.create_tenant(&admin, "Zulu").await.expect("create");
        hub.set_tenant_active(&admin, acme.id, false)
            .await
            .expect("off");
        let by_status = hub
            .list_tenants(&admin, &query("", TenantSort::Status, true, 1))
            .await
            .expect("status");
        assert_eq!(
            by_status.items[0].id, acme.id,
            "inactive first when descending"
        );
        sqlx::query("UPDATE tenants SET used_automs = 7 WHERE id = $1")
            .bind(acme.id.to_string())
            .execute(hub.db().pool_for_tests())
            .await
            .expect("usage");
        let by_usage = hub
            .list_tenants(&admin, &query("", TenantSort::Usage, true, 1))
            .await
            .expect("usage");
        assert_eq!(by_usage.items[0].id, acme.id);
    }
);

conformance!(
    only_the_licensed_msp_admin_manages_tenants,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let administrator = set_up_admin(&hub).await;
        assert_eq!(
            hub.create_tenant(&administrator, "Early").await.err(),
            Some(HubError::LicenseRequired)
        );
        assert_eq!(
            hub.list_tenants(&administrator, &TenantQuery::default())
                .await
                .err(),
            Some(HubError::LicenseRequired)
        );
        hub.activate_license(Some(&administrator), &valid_license(5))
            .await
            .expect("activate");
        let tech = technician();
        let id = hub_model::TenantId(Uuid::new_v4());
        assert_eq!(
            hub.create_tenant(&tech, "Nope").await.err(),
            Some(HubError::Forbidden)
        );
        assert_eq!(
            hub.list_tenants(&tech, &TenantQuery::default()).await.err(),
            Some(HubError::Forbidden)
        );
        assert_eq!(
            hub.tenant_detail(&tech, id).await.err(),
            Some(HubError::Forbidden)
        );
        assert_eq!(
            hub.set_tenant_active(&tech, id, false).await.err(),
            Some(HubError::Forbidden)
        );
        assert_eq!(
            hub.update_tenant(&tech, id, "x", TEST_LIMITS).await.err(),
            Some(HubError::Forbidden)
        );
        assert_eq!(
            hub.license_overview(&tech).await.err(),
            Some(HubError::Forbidden)
        );
        assert_eq!(
            hub.dismiss_activation_notice(&tech).await.err(),
            Some(HubError::Forbidden)
        );
        assert_eq!(
            hub.reset_brand(&tech).await.err(),
            Some(HubError::Forbidden)
        );
        assert_eq!(
            hub.workspaces_for(&tech, None, "")
                .await
                .expect("list")
                .entries,
            Vec::new()
        );
    }
);

conformance!(
    every_table_with_a_tenant_id_is_a_tenant_table,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let sql = match backend {
            Backend::Sqlite => "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                                WHERE m.type = 'table' AND p.name = 'tenant_id' ORDER BY m.name",
            Backend::Postgres => "SELECT table_name::text FROM information_schema.columns \
                                  WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY 1",
        };
        let found: Vec<String> = sqlx::query_scalar(sql)
            .fetch_all(hub.db().pool_for_tests())
            .await
            .expect("schema");
        // Every table naming a tenant is tenant data, or one of the few access tables with a
        // stated reason (see ACCESS_TABLES).
        let mut expected: Vec<String> = TENANT_TABLES
            .iter()
            .chain(ACCESS_TABLES)
            .map(|t| (*t).to_owned())
            .collect();
        expected.sort();
        assert_eq!(found, expected);
    }
);

conformance!(
    branding_is_validated_versioned_and_reset,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 5).await;
        let start = hub.brand().await.expect("brand");
        assert!(start.is_default());
        let input = BrandInput {
            product_name: "Contoso Cloud".to_owned(),
            primary_color: "#AA3300".to_owned(),
            accent_color: "#0a0".to_owned(),
        };
        let brand = hub.update_brand(&admin, &input).await.expect("update");
        assert_eq!(
            (
                brand.product_name.as_str(),
                brand.primary_color.as_str(),
                brand.accent_color.as_str()
            ),
            ("Contoso Cloud", "#aa3300", "#00aa00")
        );
        assert_eq!(brand.version, start.version + 1);
        assert!(hub
            .theme_css()
            .await
            .expect("css")
            .css
            .contains("--brand-primary: #aa3300"));

        let bad = BrandInput {
            primary_color: "red;} body {display:none".to_owned(),
            ..input.clone()
        };
        assert!(matches!(
            hub.update_brand(&admin, &bad).await,
            Err(HubError::InvalidInput { field, .. }) if field == "primary_color"
        ));
        assert_eq!(
            hub.brand().await.expect("brand"),
            brand,
            "refused input changes nothing"
        );

        // A logo: stored under its content hash; an SVG is refused and stores nothing.
        let mut png = std::io::Cursor::new(Vec::new());
        image::DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
            800,
            400,
            image::Rgba([1, 2, 3, 255]),
        ))
        .write_to(&mut png, image::ImageFormat::Png)
        .expect("png");
        let with_logo = hub
            .upload_logo(&admin, png.get_ref())
            .await
            .expect("upload");
        let url = with_logo.logo_url.clone().expect("logo url");
        let sha = url
            .trim_start_matches("/brand/logo/")
            .trim_end_matches(".png");
        let stored = hub.logo(sha).await.expect("stored");
        assert_eq!(stored.content_type, "image/png");
        assert_eq!(
            image::load_from_memory(&stored.bytes)
                .expect("decode")
                .width(),
            512
        );
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
        assert!(matches!(
            hub.upload_logo(&admin, svg).await,
            Err(HubError::InvalidInput { .. })
        ));
        assert_eq!(scalar(&hub, "SELECT COUNT(*) FROM brand_logos").await, 1);
        assert_eq!(hub.brand().await.expect("brand"), with_logo);
        assert_eq!(
            hub.logo("../../etc/passwd").await.err().map(|e| e.status()),
            Some(404)
        );

        let reset = hub.reset_brand(&admin).await.expect("reset");
        assert!(reset.is_default());
        assert!(reset.version > with_logo.version);
    }
);

/// PostgreSQL: every tenant table (the schema test ties `TENANT_TABLES` to the schema) has
/// FORCEd row-level security; the server's role sees no tenant row without a tenant set, and
/// with tenant A set it can neither read nor write a row of B.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_tenant_tables_are_isolated_by_row_level_security() {
    let db = TestDb::postgres().await;
    let hub = db.hub().await;
    let admin = licensed_admin(&hub, 5).await;
    let a = hub
        .create_tenant(&admin, "Tenant A")
        .await
        .expect("a")
        .id
        .to_string();
    let b = hub
        .create_tenant(&admin, "Tenant B")
        .await
        .expect("b")
        .id
        .to_string();
    for (slug, email) in [("tenant-a", "ann@a.example"), ("tenant-b", "bob@b.example")] {
        let roles = hub.tenant_users(&admin, slug).await.expect("roles").roles;
        hub.create_tenant_user(
            &admin,
            slug,
            &hub_core::tenant_users::NewTenantUser {
                display_name: "Member".to_owned(),
                email: email.to_owned(),
                password: "a long enough password".to_owned(),
                role_id: roles[0].id,
            },
        )
        .await
        .expect("member");
        // An Autom with a run that a runner claimed and logged to: rows in every Autom table.
        let autom = hub
            .create_autom(
                &admin,
                slug,
                &hub_model::automs::AutomInput {
                    name: "Backup".to_owned(),
                    description: String::new(),
                    trigger: hub_model::automs::Trigger::Manual,
                    definition: r#"{"steps":[{"kind":"log","message":"hi"}]}"#.to_owned(),
                    alert_on_failure: Some(hub_model::alerts::Severity::Warning),
                },
            )
            .await
            .expect("autom");
        hub.run_autom(&admin, slug, autom.id, None)
            .await
            .expect("run");
        let created = hub
            .create_api_key(
                &admin,
                slug,
                &hub_model::api_keys::NewApiKey {
                    name: "Runner".to_owned(),
                    scopes: hub_model::api_keys::ApiScopes::new([
                        hub_model::api_keys::ApiScope::RunsWrite,
                    ]),
                    expires_in_days: None,
                },
            )
            .await
            .expect("key");
        let key = hub
            .authenticate_api_key(&created.secret)
            .await
            .expect("auth")
            .expect("live key");
        let run = hub.claim_run(&key).await.expect("claim").expect("run");
        hub.append_run_log(&key, run.id, &["hi".to_owned()])
            .await
            .expect("log");
        // A vault item: rows in both vault tables.
        hub.create_vault_item(
            &admin,
            slug,
            &hub_model::vault::VaultItemInput {
                name: "Router".to_owned(),
                kind: hub_model::vault::ItemKind::Password,
                username: "admin".to_owned(),
                url: String::new(),
                notes: String::new(),
                tags: Vec::new(),
                secret: Some("s3cret".to_owned()),
            },
        )
        .await
        .expect("vault item");
        // A second run fails: its Autom alerts, so the tenant has an alert too.
        hub.run_autom(&admin, slug, autom.id, None)
            .await
            .expect("second run");
        let failing = hub.claim_run(&key).await.expect("claim").expect("run");
        hub.complete_run(
            &key,
            failing.id,
            hub_core::automs::runs::Outcome::Failed,
            Some("boom"),
        )
        .await
        .expect("fail");
    }
    let owner = db.owner_pool().await;
    let pool = hub.db().pool_for_tests();

    // The tables come from the schema, not from a list: a new table with a tenant_id and no
    // row-level security fails here (the access tables are the stated exceptions).
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY 1",
    )
    .fetch_all(&owner)
    .await
    .expect("schema");
    let tables: Vec<String> = tables
        .into_iter()
        .filter(|t| !ACCESS_TABLES.contains(&t.as_str()))
        .collect();
    assert_eq!(tables.len(), TENANT_TABLES.len());
    for table in &tables {
        let (enabled, forced, policies): (bool, bool, i64) = sqlx::query_as(
            "SELECT c.relrowsecurity, c.relforcerowsecurity, \
                    (SELECT COUNT(*) FROM pg_policies p WHERE p.tablename = c.relname) \
             FROM pg_class c WHERE c.relname = $1 AND c.relkind = 'r'",
        )
        .bind(table.as_str())
        .fetch_one(&owner)
        .await
        .expect("pg_class");
        assert!(
            enabled && forced && policies >= 1,
            "{table}: rls {enabled}, force {forced}, policies {policies}"
        );

        let all: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&owner)
            .await
            .expect("owner count");
        assert!(all > 0, "{table} has rows");
        let unscoped: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(pool)
            .await
            .expect("runtime count");
        assert_eq!(unscoped, 0, "{table}: no tenant set, no rows");

        let mut tx = pool.begin().await.expect("tx");
        sqlx::query("SELECT set_config('app.tenant_id', $1, true)")
            .bind(&a)
            .execute(&mut *tx)
            .await
            .expect("scope");
        let (mine, theirs): (i64, i64) = sqlx::query_as(&format!(
            "SELECT COUNT(*) FILTER (WHERE tenant_id = $1), COUNT(*) FILTER (WHERE tenant_id <> $1) FROM {table}"
        ))
        .bind(&a)
        .fetch_one(&mut *tx)
        .await
        .expect("scoped count");
        assert!(
            mine > 0 && theirs == 0,
            "{table}: A sees {mine} of its own and {theirs} of others"
        );
        let touched = sqlx::query(&format!(
            "UPDATE {table} SET tenant_id = tenant_id WHERE tenant_id = $1"
        ))
        .bind(&b)
        .execute(&mut *tx)
        .await
        .expect("update")
        .rows_affected();
        assert_eq!(touched, 0, "{table}: B's rows cannot be updated from A");
        let moved = sqlx::query(&format!(
            "UPDATE {table} SET tenant_id = $1 WHERE tenant_id = $2"
        ))
        .bind(&b)
        .bind(&a)
        .execute(&mut *tx)
        .await;
        assert!(moved.is_err(), "{table}: rows cannot be moved into B");
        tx.rollback().await.expect("rollback");

        // The cross-tenant read scope: exactly the tenants named, or all for the MSP Admin,
        // and only for reading.
        for (all, list, expect_a, expect_b) in [
            ("off", format!("{{{a}}}"), true, false),
            ("off", format!("{{{a},{b}}}"), true, true),
            ("on", String::new(), true, true),
            ("off", String::new(), false, false),
        ] {
            // Read only (as ReadScope opens it): exactly the named tenants. Read-write with
            // the same settings: nothing at all, so the settings can never widen a write.
            for read_only in [true, false] {
                let mut tx = pool.begin().await.expect("tx");
                if read_only {
                    sqlx::query("SET TRANSACTION READ ONLY")
                        .execute(&mut *tx)
                        .await
                        .expect("read only");
                }
                sqlx::query(
                    "SELECT set_config('app.read_all_tenants', $1, true), \
                            set_config('app.read_tenants', $2, true)",
                )
                .bind(all)
                .bind(&list)
                .execute(&mut *tx)
                .await
                .expect("read scope");
                let (of_a, of_b): (i64, i64) = sqlx::query_as(&format!(
                    "SELECT COUNT(*) FILTER (WHERE tenant_id = $1), COUNT(*) FILTER (WHERE tenant_id = $2) FROM {table}"
                ))
                .bind(&a)
                .bind(&b)
                .fetch_one(&mut *tx)
                .await
                .expect("read-scope count");
                // Wrapped data keys are never read across tenants: only in their tenant's own
                // transaction (migration 0013 gives them no read-scope policy).
                let expected = if read_only && *table != "vault_keys" {
                    (expect_a, expect_b)
                } else {
                    (false, false)
                };
                assert_eq!(
                    (of_a > 0, of_b > 0),
                    expected,
                    "{table}: read scope {all} {list:?}, read only {read_only}"
                );
                if !read_only {
                    let written = sqlx::query(&format!("UPDATE {table} SET tenant_id = tenant_id"))
                        .execute(&mut *tx)
                        .await
                        .expect("update")
                        .rows_affected();
                    assert_eq!(written, 0, "{table}: read-scope settings write nothing");
                }
                tx.rollback().await.expect("rollback");
            }
        }
    }

    let mut tx = pool.begin().await.expect("tx");
    sqlx::query("SELECT set_config('app.tenant_id', $1, true)")
        .bind(&a)
        .execute(&mut *tx)
        .await
        .expect("scope");
    let foreign = sqlx::query(
        "INSERT INTO tenant_roles (id, tenant_id, name, builtin, permissions, created_at) \
         VALUES ($1, $2, 'Spy', 0, 0, 1)",
    )
    .bind(Uuid::new_v4().to_string())
    .bind(&b)
    .execute(&mut *tx)
    .await;
    assert!(foreign.is_err(), "no row can be written into B from A");
}
