//! Conformance tests of technicians, tenant users and roles, and tenant isolation: who may
//! enter which tenant with which permissions, on SQLite and PostgreSQL.

use hub_core::{
    access::TenantKey,
    conformance,
    db::Backend,
    tenant_users::NewTenantUser,
    testing::{licensed_admin, TestDb},
    ClientInfo, Hub, HubError, Principal,
};
use hub_model::{
    audit::AuditAction,
    permissions::{Action, Permission, PermissionSet, ResourceKind},
    technicians::{TechnicianProfile, TechnicianQuery},
    tenants::TenantLimits,
    RoleId, TenantId,
};

const PASSWORD: &str = "a long enough password";

async fn scalar(hub: &Hub, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(hub.db().pool_for_tests())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn sign_in(hub: &Hub, email: &str, password: &str) -> Principal {
    hub.login(email, password, &ClientInfo::default())
        .await
        .unwrap_or_else(|e| panic!("login {email}: {e}"))
        .principal
}

fn profile(name: &str, email: &str) -> TechnicianProfile {
    TechnicianProfile {
        display_name: name.to_owned(),
        email: email.to_owned(),
        phone: "+1 555 0100".to_owned(),
    }
}

fn cell(resource: ResourceKind, action: Action) -> Permission {
    Permission::new(resource, action)
}

/// Two tenants and their ids and slugs.
async fn two_tenants(hub: &Hub, admin: &Principal) -> ((TenantId, String), (TenantId, String)) {
    let a = hub.create_tenant(admin, "Tenant A").await.expect("a");
    let b = hub.create_tenant(admin, "Tenant B").await.expect("b");
    ((a.id, a.slug), (b.id, b.slug))
}

async fn denied_events(hub: &Hub, action: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE outcome = 'denied' AND action = $1 \
         AND actor_user_id IS NOT NULL",
    )
    .bind(action)
    .fetch_one(hub.db().pool_for_tests())
    .await
    .expect("audit")
}

conformance!(
    technicians_are_managed_by_the_msp_admin_only,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 5).await;

        let tom = hub
            .create_technician(
                &admin,
                &profile("Tom Tech", "Tom@Contoso.example"),
                PASSWORD,
            )
            .await
            .expect("create");
        assert_eq!(tom.email, "tom@contoso.example");
        assert_eq!((tom.tenants, tom.active), (0, true));

        // Bad input: typed errors, nothing written.
        let before = scalar(&hub, "SELECT COUNT(*) FROM users").await;
        for (input, password, field) in [
            (profile("", "x@contoso.example"), PASSWORD, "display_name"),
            (profile("X", "not an email"), PASSWORD, "email"),
            (profile("X", "tom@contoso.example"), PASSWORD, "email"),
            (profile("X", "y@contoso.example"), "short", "password"),
            (
                TechnicianProfile {
                    phone: "call me".to_owned(),
                    ..profile("X", "z@contoso.example")
                },
                PASSWORD,
                "phone",
            ),
        ] {
            match hub.create_technician(&admin, &input, password).await {
                Err(HubError::InvalidInput { field: got, .. }) => assert_eq!(got, field),
                other => panic!("{input:?}: {other:?}"),
            }
        }
        assert_eq!(scalar(&hub, "SELECT COUNT(*) FROM users").await, before);

        for n in 0..30 {
            hub.create_technician(
                &admin,
                &profile(&format!("Tech {n:02}"), &format!("t{n}@contoso.example")),
                PASSWORD,
            )
            .await
            .expect("more");
        }
        let page = hub
            .list_technicians(
                &admin,
                &TechnicianQuery {
                    search: String::new(),
                    page: 2,
                    per_page: 25,
                    ..TechnicianQuery::default()
                },
            )
            .await
            .expect("list");
        assert_eq!((page.total, page.items.len(), page.pages()), (31, 6, 2));
        let found = hub
            .list_technicians(
                &admin,
                &TechnicianQuery {
                    search: "TOM@".to_owned(),
                    page: 1,
                    per_page: 25,
                    ..TechnicianQuery::default()
                },
            )
            .await
            .expect("search");
        assert_eq!(
            found.items.iter().map(|t| t.id).collect::<Vec<_>>(),
            vec![tom.id]
        );
        // The MSP Admin is not a technician: never listed, never reachable here.
        let none = hub
            .list_technicians(
                &admin,
                &TechnicianQuery {
                    search: "dana".to_owned(),
                    page: 1,
                    per_page: 25,
                    ..TechnicianQuery::default()
                },
            )
            .await
            .expect("search");
        assert_eq!(none.total, 0);
        assert_eq!(
            hub.set_technician_active(&admin, admin.user_id, false)
                .await
                .err(),
            Some(HubError::not_found("The technician"))
        );
        assert!(hub.delete_technician(&admin, admin.user_id).await.is_err());
        assert_eq!(
            scalar(
                &hub,
                "SELECT COUNT(*) FROM users WHERE system_role = 'msp_admin' AND active = 1"
            )
            .await,
            1
        );

        let renamed = hub
            .update_technician(
                &admin,
                tom.id,
                &profile("Thomas Tech", "thomas@contoso.example"),
            )
            .await
            .expect("update");
        assert_eq!(renamed.display_name, "Thomas Tech");

        // A signed-in technician loses their session on deactivation and on a password reset.
        let session = hub
            .login("thomas@contoso.example", PASSWORD, &ClientInfo::default())
            .await
            .expect("login");
        let tech = session.principal.clone();
        for (action, call) in [
            (
                "technician.list",
                hub.list_technicians(&tech, &TechnicianQuery::default())
                    .await
                    .err(),
            ),
            (
                "technician.create",
                hub.create_technician(&tech, &profile("Eve", "eve@contoso.example"), PASSWORD)
                    .await
                    .err(),
            ),
            (
                "technician.delete",
                hub.delete_technician(&tech, tom.id).await.err(),
            ),
            ("license.view", hub.license_overview(&tech).await.err()),
            ("branding.reset_brand", hub.reset_brand(&tech).await.err()),
        ] {
            assert_eq!(call, Some(HubError::Forbidden), "{action}");
            assert!(denied_events(&hub, action).await >= 1, "{action} audited");
        }
        hub.set_technician_active(&admin, tom.id, false)
            .await
            .expect("deactivate");
        assert!(hub
            .authenticate(&session.token.token)
            .await
            .expect("auth")
            .is_none());
        assert_eq!(
            hub.login("thomas@contoso.example", PASSWORD, &ClientInfo::default())
                .await
                .err(),
            Some(HubError::InvalidCredentials)
        );
        hub.set_technician_active(&admin, tom.id, true)
            .await
            .expect("reactivate");
        let again = hub
            .login("thomas@contoso.example", PASSWORD, &ClientInfo::default())
            .await
            .expect("login again");
        hub.reset_technician_password(&admin, tom.id, "a brand new password")
            .await
            .expect("reset");
        assert!(hub
            .authenticate(&again.token.token)
            .await
            .expect("auth")
            .is_none());
        sign_in(&hub, "thomas@contoso.example", "a brand new password").await;

        hub.delete_technician(&admin, tom.id).await.expect("delete");
        assert_eq!(
            hub.technician_detail(&admin, tom.id).await.err(),
            Some(HubError::not_found("The technician"))
        );
    }
);

conformance!(
    technicians_enter_only_assigned_active_tenants_with_their_matrix,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 5).await;
        let ((a, slug_a), (b, slug_b)) = two_tenants(&hub, &admin).await;
        let tom = hub
            .create_technician(
                &admin,
                &profile("Tom Tech", "tom@contoso.example"),
                PASSWORD,
            )
            .await
            .expect("create");
        let tech = sign_in(&hub, "tom@contoso.example", PASSWORD).await;

        // No assignment: no tenant at all, and a tenant that exists looks like one that does not.
        assert!(hub
            .workspaces_for(&tech, None, "")
            .await
            .expect("list")
            .entries
            .is_empty());
        for key in [
            TenantKey::Id(a),
            TenantKey::Slug(&slug_a),
            TenantKey::Slug("no-such-tenant"),
        ] {
            assert_eq!(
                hub.enter_tenant(&tech, key, AuditAction::TenantOpen)
                    .await
                    .err(),
                Some(HubError::not_found("The tenant"))
            );
        }
        assert!(denied_events(&hub, "tenant.open").await >= 3);

        // View only on A.
        hub.assign_tenants(&admin, tom.id, &[a], PermissionSet::view_only())
            .await
            .expect("assign");
        let context = hub.tenant_context(&tech, &slug_a).await.expect("enter A");
        assert_eq!(context.permissions, PermissionSet::view_only());
        assert_eq!(context.acting_as, "Technician");
        assert_eq!(
            hub.tenant_context(&tech, &slug_b).await.err(),
            Some(HubError::not_found("The tenant"))
        );
        // The switcher's server search: the MSP Admin searches every tenant, a technician
        // only theirs (a match elsewhere is not even counted).
        let found = hub
            .workspaces_for(&admin, None, "TENANT b")
            .await
            .expect("search");
        assert_eq!(
            (
                found
                    .entries
                    .iter()
                    .map(|e| e.slug.as_str())
                    .collect::<Vec<_>>(),
                found.total
            ),
            (vec![slug_b.as_str()], 1)
        );
        let found = hub
            .workspaces_for(&tech, None, "tenant b")
            .await
            .expect("search");
        assert_eq!((found.entries.len(), found.total), (0, 0));
        let found = hub
            .workspaces_for(&tech, None, "%")
            .await
            .expect("wildcard is literal");
        assert_eq!(found.total, 0);
        let listed = hub
            .workspaces_for(&tech, Some(&slug_b), "")
            .await
            .expect("list");
        assert_eq!(
            listed
                .entries
                .iter()
                .map(|e| e.slug.as_str())
                .collect::<Vec<_>>(),
            vec![slug_a.as_str()]
        );
        assert_eq!(listed.total, 1);
        assert_eq!(
            hub.tenant_tx(
                &tech,
                TenantKey::Slug(&slug_a),
                AuditAction::TenantUserCreate,
                cell(ResourceKind::Automs, Action::Create)
            )
            .await
            .err(),
            Some(HubError::Forbidden)
        );
        assert_eq!(denied_events(&hub, "tenant_user.create").await, 1);

        // One action applies full rights to both; the next request sees them.
        let detail = hub
            .assign_tenants(&admin, tom.id, &[a, b], PermissionSet::all())
            .await
            .expect("apply");
        assert_eq!(detail.assignments.len(), 2);
        assert!(detail
            .assignments
            .iter()
            .all(|r| r.permissions == Some(PermissionSet::all())));
        assert_eq!(
            hub.tenant_context(&tech, &slug_b)
                .await
                .expect("B")
                .permissions,
            PermissionSet::all()
        );

        // An unknown tenant refuses the whole batch.
        let unknown = TenantId(uuid::Uuid::new_v4());
        assert_eq!(
            hub.assign_tenants(&admin, tom.id, &[a, unknown], PermissionSet::empty())
                .await
                .err(),
            Some(HubError::not_found("The tenant"))
        );
        assert_eq!(
            hub.tenant_context(&tech, &slug_a)
                .await
                .expect("A")
                .permissions,
            PermissionSet::all()
        );

        // Deactivating B blocks the technician, not the MSP Admin; unassigning A removes it.
        hub.set_tenant_active(&admin, b, false)
            .await
            .expect("deactivate");
        assert_eq!(
            hub.tenant_context(&tech, &slug_b).await.err(),
            Some(HubError::TenantDeactivated)
        );
        assert!(hub.tenant_context(&admin, &slug_b).await.is_ok());
        assert_eq!(
            hub.workspaces_for(&tech, None, "")
                .await
                .expect("list")
                .total,
            1
        );
        hub.unassign_tenants(&admin, tom.id, &[a])
            .await
            .expect("unassign");
        assert_eq!(
            hub.tenant_context(&tech, &slug_a).await.err(),
            Some(HubError::not_found("The tenant"))
        );
        let detail = hub.tenant_detail(&admin, b).await.expect("detail");
        assert_eq!(
            detail.technicians.iter().map(|t| t.id).collect::<Vec<_>>(),
            vec![tom.id]
        );

        // Technicians never manage technicians, even with full rights in every tenant.
        assert_eq!(
            hub.assign_tenants(&tech, tom.id, &[a], PermissionSet::all())
                .await
                .err(),
            Some(HubError::Forbidden)
        );
    }
);

conformance!(
    tenant_admins_manage_their_own_tenant_within_its_user_limit,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 5).await;
        let ((a, slug_a), (_b, slug_b)) = two_tenants(&hub, &admin).await;
        hub.update_tenant(
            &admin,
            a,
            "Tenant A",
            TenantLimits {
                automs: 5,
                users: 3,
                agents: 1,
            },
        )
        .await
        .expect("limit");
        let roles_a = hub.tenant_users(&admin, &slug_a).await.expect("a").roles;
        let roles_b = hub.tenant_users(&admin, &slug_b).await.expect("b").roles;
        let role = |roles: &[hub_model::tenant_users::TenantRole], name: &str| {
            roles.iter().find(|r| r.name == name).expect("role").id
        };
        assert_eq!(
            roles_a.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
            vec!["Tenant Admin", "Viewer"]
        );
        let new_user = |name: &str, email: &str, role_id: RoleId| NewTenantUser {
            display_name: name.to_owned(),
            email: email.to_owned(),
            password: PASSWORD.to_owned(),
            role_id,
        };

        // The MSP Admin creates A's Tenant Admin; a role of B cannot be given in A.
        assert_eq!(
            hub.create_tenant_user(
                &admin,
                &slug_a,
                &new_user("X", "x@a.example", role(&roles_b, "Viewer"))
            )
            .await
            .err(),
            Some(HubError::not_found("The role"))
        );
        // System roles ("msp_admin", …) are not even role ids here (a `RoleId` is a UUID);
        // server/tests/msp.rs refuses them over HTTP.
        hub.create_tenant_user(
            &admin,
            &slug_a,
            &new_user(
                "Alice Admin",
                "alice@a.example",
                role(&roles_a, "Tenant Admin"),
            ),
        )
        .await
        .expect("tenant admin");
        let alice = sign_in(&hub, "alice@a.example", PASSWORD).await;
        let context = hub.tenant_context(&alice, &slug_a).await.expect("enter");
        assert_eq!(
            (context.permissions, context.acting_as.as_str()),
            (PermissionSet::all(), "Tenant Admin")
        );
        assert_eq!(
            hub.tenant_context(&alice, &slug_b).await.err(),
            Some(HubError::not_found("The tenant"))
        );
        assert_eq!(
            hub.workspaces_for(&alice, None, "")
                .await
                .expect("ws")
                .entries
                .len(),
            1
        );
        assert_eq!(
            hub.list_tenants(&alice, &Default::default()).await.err(),
            Some(HubError::Forbidden)
        );

        // Alice adds a viewer and a custom role; the limit (3 users) holds.
        let vic = hub
            .create_tenant_user(
                &alice,
                &slug_a,
                &new_user("Vic Viewer", "vic@a.example", role(&roles_a, "Viewer")),
            )
            .await
            .expect("viewer");
        let mut helpdesk = PermissionSet::view_only();
        helpdesk.insert(cell(ResourceKind::Users, Action::Create));
        let custom = hub
            .create_tenant_role(&alice, &slug_a, "Helpdesk", helpdesk)
            .await
            .expect("role");
        let hal = hub
            .create_tenant_user(
                &alice,
                &slug_a,
                &new_user("Hal Help", "hal@a.example", custom.id),
            )
            .await
            .expect("helpdesk user");
        assert_eq!(
            hub.create_tenant_user(
                &alice,
                &slug_a,
                &new_user("One Too Many", "more@a.example", custom.id)
            )
            .await
            .err(),
            Some(HubError::LimitReached {
                resource: "users".to_owned(),
                used: 3,
                limit: 3
            })
        );
        assert_eq!(
            scalar(
                &hub,
                "SELECT COUNT(*) FROM users WHERE email = 'more@a.example'"
            )
            .await,
            0
        );

        // The helpdesk user may create users but not grant more than they hold.
        let hal_p = sign_in(&hub, "hal@a.example", PASSWORD).await;
        assert_eq!(
            hub.create_tenant_role(&hal_p, &slug_a, "Escalated", PermissionSet::all())
                .await
                .err(),
            Some(HubError::PermissionEscalation)
        );
        hub.delete_tenant_user(&alice, &slug_a, vic.id)
            .await
            .expect("delete");
        assert_eq!(
            hub.create_tenant_user(
                &hal_p,
                &slug_a,
                &new_user("Eve", "eve@a.example", role(&roles_a, "Tenant Admin"))
            )
            .await
            .err(),
            Some(HubError::PermissionEscalation)
        );
        assert!(denied_events(&hub, "tenant_user.create").await >= 1);

        // A viewer sees users but changes nothing.
        hub.create_tenant_user(
            &alice,
            &slug_a,
            &new_user("Val Viewer", "val@a.example", role(&roles_a, "Viewer")),
        )
        .await
        .expect("viewer 2");
        let val = sign_in(&hub, "val@a.example", PASSWORD).await;
        let seen = hub.tenant_users(&val, &slug_a).await.expect("view");
        assert_eq!(seen.members.len(), 3);
        assert_eq!((seen.used, seen.limit), (3, 3));
        assert!(
            seen.members.iter().all(|m| m.email.ends_with("@a.example")),
            "only A's tenant users"
        );
        assert_eq!(
            hub.delete_tenant_user(&val, &slug_a, hal.id).await.err(),
            Some(HubError::Forbidden)
        );

        // Custom roles change for their holders at once; in-use and built-in roles stay.
        hub.update_tenant_role(
            &alice,
            &slug_a,
            custom.id,
            "Helpdesk",
            PermissionSet::empty(),
        )
        .await
        .expect("narrow");
        assert_eq!(
            hub.tenant_context(&hal_p, &slug_a)
                .await
                .expect("hal")
                .permissions,
            PermissionSet::empty()
        );
        assert!(matches!(
            hub.delete_tenant_role(&alice, &slug_a, custom.id).await,
            Err(HubError::InvalidInput { .. })
        ));
        assert!(matches!(
            hub.delete_tenant_role(&alice, &slug_a, role(&roles_a, "Viewer"))
                .await,
            Err(HubError::InvalidInput { .. })
        ));

        // A's users are not B's: ids substituted across tenants are not found.
        assert_eq!(
            hub.delete_tenant_user(&admin, &slug_b, hal.id).await.err(),
            Some(HubError::not_found("The user"))
        );
        assert_eq!(
            hub.update_tenant_role(&admin, &slug_b, custom.id, "x", PermissionSet::empty())
                .await
                .err(),
            Some(HubError::not_found("The role"))
        );

        // Deactivating the tenant locks its users out; the MSP Admin still enters.
        hub.set_tenant_active(&admin, a, false)
            .await
            .expect("deactivate");
        assert_eq!(
            hub.tenant_context(&alice, &slug_a).await.err(),
            Some(HubError::TenantDeactivated)
        );
        assert!(hub.tenant_users(&admin, &slug_a).await.is_ok());

        // A tenant user's sign-in lands in their tenant, opened or not; the MSP Admin's on
        // the overview, whatever they opened last (which the shell's links still follow).
        hub.set_tenant_active(&admin, a, true)
            .await
            .expect("reactivate");
        assert_eq!(
            hub.landing_path(&alice).await.expect("landing"),
            Some(format!("/t/{slug_a}/dashboard"))
        );
        hub.tenant_context(&alice, &slug_a).await.expect("open");
        assert_eq!(
            hub.landing_path(&alice).await.expect("landing"),
            Some(format!("/t/{slug_a}/dashboard"))
        );
        hub.tenant_context(&admin, &slug_b).await.expect("open b");
        assert_eq!(hub.landing_path(&admin).await.expect("landing"), None);
        assert_eq!(
            hub.last_tenant(&admin).await.expect("last").map(|e| e.slug),
            Some(slug_b.clone())
        );
    }
);

// Regression: a tenant admin learned whether an address existed in another tenant from the
// "already exists" refusal, and could claim another customer's addresses. Once the MSP Admin
// sets a tenant's email domains, its admins can only create users at them.
conformance!(
    email_domains_keep_tenant_admins_to_their_own_addresses,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 5).await;
        let ((a, slug_a), (b, slug_b)) = two_tenants(&hub, &admin).await;
        let viewer = |hub: &Hub, slug: String| {
            let hub = hub.clone();
            let admin = admin.clone();
            async move {
                hub.tenant_users(&admin, &slug)
                    .await
                    .expect("users")
                    .roles
                    .into_iter()
                    .find(|r| r.name == "Viewer")
                    .expect("viewer")
                    .id
            }
        };
        let tenant_admin_role = hub
            .tenant_users(&admin, &slug_a)
            .await
            .expect("users")
            .roles
            .into_iter()
            .find(|r| r.name == "Tenant Admin")
            .expect("role")
            .id;
        let user = |email: &str, role_id: RoleId| NewTenantUser {
            display_name: "Someone".to_owned(),
            email: email.to_owned(),
            password: PASSWORD.to_owned(),
            role_id,
        };
        // B has a user at B's domain; A gets a Tenant Admin.
        hub.create_tenant_user(
            &admin,
            &slug_b,
            &user("bob@b.example", viewer(&hub, slug_b.clone()).await),
        )
        .await
        .expect("b user");
        hub.create_tenant_user(&admin, &slug_a, &user("alice@a.example", tenant_admin_role))
            .await
            .expect("a admin");
        let alice = sign_in(&hub, "alice@a.example", PASSWORD).await;

        // Bad domains and another tenant's domain are refused; nothing changes.
        for bad in ["not a domain", "a.example, -x.example"] {
            assert!(matches!(
                hub.set_tenant_email_domains(&admin, a, bad).await,
                Err(HubError::InvalidInput { ref field, .. }) if field == "email_domains"
            ));
        }
        hub.set_tenant_email_domains(&admin, b, "b.example")
            .await
            .expect("b domains");
        assert!(matches!(
            hub.set_tenant_email_domains(&admin, a, "a.example b.example").await,
            Err(HubError::InvalidInput { ref field, ref message })
                if field == "email_domains" && message.contains("b.example")
        ));
        assert_eq!(
            hub.set_tenant_email_domains(&admin, a, " A.example ,@mail.a.example")
                .await
                .expect("a domains"),
            vec!["a.example".to_owned(), "mail.a.example".to_owned()]
        );
        assert_eq!(
            hub.set_tenant_email_domains(&alice, a, "evil.example")
                .await
                .err(),
            Some(HubError::Forbidden),
            "only the MSP Admin sets domains"
        );

        // Alice cannot probe or claim B's addresses: the same refusal whether or not the
        // address exists, and it names only her own domains.
        let viewer_a = viewer(&hub, slug_a.clone()).await;
        let existing = hub
            .create_tenant_user(&alice, &slug_a, &user("bob@b.example", viewer_a))
            .await
            .err();
        let missing = hub
            .create_tenant_user(&alice, &slug_a, &user("nobody@b.example", viewer_a))
            .await
            .err();
        assert_eq!(existing, missing);
        assert!(
            matches!(&existing, Some(HubError::InvalidInput { field, message })
                if field == "email" && message.contains("a.example") && !message.contains("b.example")),
            "{existing:?}"
        );
        hub.create_tenant_user(&alice, &slug_a, &user("carol@mail.a.example", viewer_a))
            .await
            .expect("an address at A's domain");
        assert_eq!(
            hub.tenant_users(&alice, &slug_a)
                .await
                .expect("users")
                .email_domains,
            vec!["a.example".to_owned(), "mail.a.example".to_owned()]
        );
        // The MSP Admin is never restricted.
        hub.create_tenant_user(
            &admin,
            &slug_a,
            &user("contractor@elsewhere.example", viewer_a),
        )
        .await
        .expect("the MSP Admin adds any address");
        assert_eq!(
            hub.tenant_detail(&admin, a)
                .await
                .expect("detail")
                .email_domains,
            vec!["a.example".to_owned(), "mail.a.example".to_owned()]
        );
    }
);

/// Migrates `db` only up to migration `last` (what an older hub left), as its owner.
async fn migrate_until(db: &TestDb, last: i64) {
    let folder = match db.backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(folder);
    let older = db.dir.join("older-migrations");
    std::fs::create_dir_all(&older).expect("dir");
    for entry in std::fs::read_dir(&source).expect("migrations") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let version: i64 = name
            .split('_')
            .next()
            .and_then(|v| v.parse().ok())
            .expect("numbered migration");
        if version <= last {
            std::fs::copy(&path, older.join(name)).expect("copy");
        }
    }
    let migrator = sqlx::migrate::Migrator::new(older.as_path())
        .await
        .expect("migrator");
    if db.backend == Backend::Sqlite {
        std::fs::write(db.dir.join("hub.db"), b"").expect("file");
    }
    let pool = db.owner_pool().await;
    migrator.run(&pool).await.expect("older migrations");
    pool.close().await;
}

// Adding Run and Reveal keeps what every existing role and assignment meant: "Full access"
// stays full (it gains the new permissions), anything else gains nothing.
conformance!(
    existing_roles_and_assignments_keep_their_meaning,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        migrate_until(&db, 8).await;
        let owner = db.owner_pool().await;
        let full_before = (1_i64 << 24) - 1;
        let custom_before = 0b1011_0001_i64;
        for statement in [
            "INSERT INTO tenants (id, slug, name, name_key, kind, active, max_automs, max_users, \
             max_agents, used_automs, used_users, used_agents, created_at, updated_at) \
             VALUES ('t1', 't1', 'T1', 't1', 'tenant', 1, 1, 1, 1, 0, 0, 0, 0, 0)",
            "INSERT INTO users (id, email, display_name, password_hash, system_role, active, \
             security_version, created_at, updated_at) \
             VALUES ('u1', 'tech@x.example', 'Tech', 'x', 'technician', 1, 1, 0, 0)",
        ] {
            sqlx::query(statement)
                .execute(&owner)
                .await
                .expect(statement);
        }
        for (id, bits) in [("full", full_before), ("custom", custom_before)] {
            sqlx::query(
                "INSERT INTO tenant_roles (id, tenant_id, name, builtin, permissions, created_at) \
                 VALUES ($1, 't1', $1, 0, $2, 0)",
            )
            .bind(id)
            .bind(bits)
            .execute(&owner)
            .await
            .expect("role");
        }
        sqlx::query(
            "INSERT INTO technician_assignments (user_id, tenant_id, permissions, created_at, updated_at) \
             VALUES ('u1', 't1', $1, 0, 0)",
        )
        .bind(full_before)
        .execute(&owner)
        .await
        .expect("assignment");

        // Today's hub opens the database and runs the rest.
        let hub = db.hub().await;
        let role = |id: &'static str| {
            let owner = owner.clone();
            async move {
                let bits: i64 =
                    sqlx::query_scalar("SELECT permissions FROM tenant_roles WHERE id = $1")
                        .bind(id)
                        .fetch_one(&owner)
                        .await
                        .expect("role");
                PermissionSet::from_bits(bits)
            }
        };
        assert_eq!(
            role("full").await,
            PermissionSet::all(),
            "full access stays full"
        );
        let custom = role("custom").await;
        assert_eq!(
            custom.bits(),
            custom_before,
            "nothing is added to other sets"
        );
        assert!(!custom.allows(Permission::new(ResourceKind::Automs, Action::Run)));
        let assignment: i64 = sqlx::query_scalar(
            "SELECT permissions FROM technician_assignments WHERE user_id = 'u1'",
        )
        .fetch_one(&owner)
        .await
        .expect("assignment");
        assert_eq!(PermissionSet::from_bits(assignment), PermissionSet::all());
        assert!(PermissionSet::all().allows(Permission::new(ResourceKind::Vault, Action::Reveal)));
        drop(hub);
    }
);

// The overview: what needs the MSP Admin's attention is read from the data as it is, and a
// technician's overview lists exactly their tenants with their access; neither is anyone
// else's.
conformance!(
    the_overview_shows_what_needs_attention_and_a_technicians_tenants,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 5).await;
        let ((a, slug_a), (b, _)) = two_tenants(&hub, &admin).await;
        let quiet = hub.msp_attention(&admin).await.expect("attention");
        assert_eq!(
            (
                quiet.near_limit_count,
                quiet.deactivated_count,
                quiet.idle_technician_count
            ),
            (0, 0, 0)
        );
        // The Default Tenant (the organization before the license) counts too.
        assert_eq!((quiet.tenants_used, quiet.tenants_allowed), (3, 5));
        assert!(quiet.license_days_left > 0, "{}", quiet.license_days_left);

        // A: one user seat, taken; B: deactivated; Ivy: no tenant; Tom: A only.
        hub.update_tenant(
            &admin,
            a,
            "Tenant A",
            TenantLimits {
                automs: 5,
                users: 1,
                agents: 1,
            },
        )
        .await
        .expect("limit");
        let viewer = hub
            .tenant_users(&admin, &slug_a)
            .await
            .expect("a")
            .roles
            .into_iter()
            .find(|r| r.name == "Viewer")
            .expect("viewer")
            .id;
        hub.create_tenant_user(
            &admin,
            &slug_a,
            &NewTenantUser {
                display_name: "Val".to_owned(),
                email: "val@a.example".to_owned(),
                password: PASSWORD.to_owned(),
                role_id: viewer,
            },
        )
        .await
        .expect("user");
        hub.set_tenant_active(&admin, b, false)
            .await
            .expect("deactivate");
        // C: four of five seats (80%, the larger raw usage); A, one of one (100%) comes first.
        let c = hub.create_tenant(&admin, "Tenant C").await.expect("c");
        hub.update_tenant(
            &admin,
            c.id,
            "Tenant C",
            TenantLimits {
                automs: 5,
                users: 5,
                agents: 1,
            },
        )
        .await
        .expect("limit c");
        let viewer_c = hub
            .tenant_users(&admin, &c.slug)
            .await
            .expect("c")
            .roles
            .into_iter()
            .find(|r| r.name == "Viewer")
            .expect("viewer")
            .id;
        for n in 0..4 {
            hub.create_tenant_user(
                &admin,
                &c.slug,
                &NewTenantUser {
                    display_name: format!("C user {n}"),
                    email: format!("user{n}@c.example"),
                    password: PASSWORD.to_owned(),
                    role_id: viewer_c,
                },
            )
            .await
            .expect("c user");
        }
        let tom = hub
            .create_technician(&admin, &profile("Tom Tech", "tom@msp.example"), PASSWORD)
            .await
            .expect("tom");
        hub.create_technician(&admin, &profile("Ivy Idle", "ivy@msp.example"), PASSWORD)
            .await
            .expect("ivy");
        let grant = PermissionSet::view_only();
        hub.assign_tenants(&admin, tom.id, &[a], grant)
            .await
            .expect("assign");

        let seen = hub.msp_attention(&admin).await.expect("attention");
        // Ordered by the tightest share of a limit, not by raw usage (regression).
        assert_eq!(
            seen.near_limit.iter().map(|t| t.id).collect::<Vec<_>>(),
            vec![a, c.id]
        );
        assert_eq!(
            seen.near_limit[0].technicians, 1,
            "the summary counts assignments"
        );
        assert_eq!(
            seen.deactivated.iter().map(|t| t.id).collect::<Vec<_>>(),
            vec![b]
        );
        assert_eq!(
            seen.idle_technicians
                .iter()
                .map(|t| t.email.as_str())
                .collect::<Vec<_>>(),
            vec!["ivy@msp.example"]
        );
        assert_eq!(
            (
                seen.near_limit_count,
                seen.deactivated_count,
                seen.idle_technician_count
            ),
            (2, 1, 1)
        );

        let tom_signed_in = sign_in(&hub, "tom@msp.example", PASSWORD).await;
        let theirs = hub.my_tenants(&tom_signed_in).await.expect("mine");
        assert_eq!(theirs.len(), 1);
        assert_eq!(
            (theirs[0].slug.as_str(), theirs[0].permissions),
            (slug_a.as_str(), grant)
        );
        assert_eq!(
            hub.msp_attention(&tom_signed_in).await.err(),
            Some(HubError::Forbidden)
        );
        assert_eq!(
            hub.my_tenants(&admin).await.err(),
            Some(HubError::Forbidden)
        );
    }
);
