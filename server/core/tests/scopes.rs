//! The caller identity and the scope types beside `TenantTx`: the cross-tenant read scope
//! (exactly the tenants a caller may see, held by row-level security on PostgreSQL), the
//! MSP-scope transaction (authorize before reading input), and API keys as callers.

use hub_core::{
    access::{read_scope::Visible, TenantKey},
    conformance,
    db::Backend,
    testing::{licensed_admin, TestDb},
    Caller, ClientInfo, Hub, HubError, Principal, SystemTask,
};
use hub_model::{
    api_keys::{ApiScope, ApiScopes, NewApiKey},
    audit::AuditAction,
    permissions::PermissionSet,
    technicians::TechnicianProfile,
    TenantId,
};

const PASSWORD: &str = "a long enough password";

async fn sign_in(hub: &Hub, email: &str) -> Principal {
    hub.login(email, PASSWORD, &ClientInfo::default())
        .await
        .unwrap_or_else(|e| panic!("login {email}: {e}"))
        .principal
}

async fn technician(hub: &Hub, admin: &Principal, email: &str) -> Principal {
    let profile = TechnicianProfile {
        display_name: "Tech".to_owned(),
        email: email.to_owned(),
        phone: String::new(),
    };
    hub.create_technician(admin, &profile, PASSWORD)
        .await
        .expect("technician");
    sign_in(hub, email).await
}

fn key_input(scopes: &[ApiScope]) -> NewApiKey {
    NewApiKey {
        name: "Runner".to_owned(),
        scopes: ApiScopes::new(scopes.iter().copied()),
        expires_in_days: None,
    }
}

/// How many tenant_roles rows of each tenant the scope lets through.
async fn visible_roles(hub: &Hub, caller: Caller, tenants: &[TenantId]) -> Vec<i64> {
    let mut scope = hub.read_scope(caller).await.expect("scope");
    let mut counts = Vec::new();
    for tenant in tenants {
        // No tenant_id filter here: on PostgreSQL the scope alone must hold back the rest.
        let rows: Vec<String> = sqlx::query_scalar("SELECT tenant_id FROM tenant_roles")
            .fetch_all(scope.conn_for_tests())
            .await
            .expect("roles");
        counts.push(
            i64::try_from(rows.iter().filter(|t| **t == tenant.to_string()).count()).unwrap_or(0),
        );
    }
    scope.finish().await.expect("finish");
    counts
}

conformance!(
    the_read_scope_holds_exactly_the_tenants_the_caller_may_see,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 10).await;
        let a = hub.create_tenant(&admin, "Tenant A").await.expect("a");
        let b = hub.create_tenant(&admin, "Tenant B").await.expect("b");
        let c = hub.create_tenant(&admin, "Tenant C").await.expect("c");
        let tech = technician(&hub, &admin, "tech@msp.example").await;
        hub.assign_tenants(
            &admin,
            tech.user_id,
            &[a.id, c.id],
            PermissionSet::view_only(),
        )
        .await
        .expect("assign");
        hub.set_tenant_active(&admin, c.id, false)
            .await
            .expect("deactivate c");
        let key = hub
            .create_api_key(&admin, &b.slug, &key_input(&[ApiScope::RunsWrite]))
            .await
            .expect("key");
        let key = hub
            .authenticate_api_key(&key.secret)
            .await
            .expect("auth")
            .expect("a live key");

        let visible = |caller: Caller| {
            let hub = hub.clone();
            async move {
                hub.read_scope(caller)
                    .await
                    .expect("scope")
                    .visible()
                    .clone()
            }
        };
        assert_eq!(visible(Caller::from(&admin)).await, Visible::AllTenants);
        // A deactivated assignment is out of sight, as it is for entering the tenant.
        assert_eq!(
            visible(Caller::from(&tech)).await,
            Visible::Only(vec![a.id])
        );
        assert_eq!(
            visible(Caller::ApiKey(key.clone())).await,
            Visible::Only(vec![b.id])
        );
        assert_eq!(
            visible(Caller::System(SystemTask::new("test"))).await,
            Visible::AllTenants
        );

        let all = [a.id, b.id, c.id];
        let roles = 2; // every tenant starts with Tenant Admin and Viewer
        assert_eq!(
            visible_roles(&hub, Caller::from(&admin), &all).await,
            vec![roles, roles, roles]
        );
        if backend == Backend::Postgres {
            // Row-level security holds the set even when a query forgets to filter.
            assert_eq!(
                visible_roles(&hub, Caller::from(&tech), &all).await,
                vec![roles, 0, 0]
            );
            assert_eq!(
                visible_roles(&hub, Caller::ApiKey(key), &all).await,
                vec![0, roles, 0]
            );
            // And the scope only reads.
            let mut scope = hub.read_scope(Caller::from(&admin)).await.expect("scope");
            let write = sqlx::query("UPDATE tenant_roles SET name = name")
                .execute(scope.conn_for_tests())
                .await;
            assert!(write.is_err(), "a read scope cannot write");
        }
    }
);

conformance!(
    msp_operations_refuse_before_reading_input_and_keys_act_only_in_their_tenant,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 10).await;
        let a = hub.create_tenant(&admin, "Tenant A").await.expect("a");
        let b = hub.create_tenant(&admin, "Tenant B").await.expect("b");
        let tech = technician(&hub, &admin, "tech@msp.example").await;
        hub.assign_tenants(&admin, tech.user_id, &[a.id], PermissionSet::all())
            .await
            .expect("assign");

        // A technician with every permission in A still may not touch keys; bad input does
        // not change the answer (authorization comes first) and the refusal is audited.
        for input in [key_input(&[ApiScope::RunsWrite]), key_input(&[])] {
            assert_eq!(
                hub.create_api_key(&tech, &a.slug, &input).await.err(),
                Some(HubError::Forbidden)
            );
        }
        assert_eq!(
            hub.create_tenant(&tech, "").await.err(),
            Some(HubError::Forbidden),
            "an empty name is not even looked at"
        );
        let denied: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'api_key.create' AND outcome = 'denied'",
        )
        .fetch_one(&db.owner_pool().await)
        .await
        .expect("audit");
        assert_eq!(denied, 2);

        let created = hub
            .create_api_key(&admin, &a.slug, &key_input(&[ApiScope::RunsWrite]))
            .await
            .expect("key");
        assert!(created.key.scopes.contains(ApiScope::RunsWrite));
        let key = hub
            .authenticate_api_key(&created.secret)
            .await
            .expect("auth")
            .expect("live");
        assert_eq!(
            (key.tenant, key.public_id.as_str()),
            (a.id, created.key.public_id.as_str())
        );
        let caller = Caller::ApiKey(key.clone());

        // Its own tenant, with no permission of the matrix; not another tenant; its scopes.
        let scope = hub
            .enter_tenant(caller.clone(), TenantKey::Id(a.id), AuditAction::ApiWhoami)
            .await
            .expect("own tenant");
        assert_eq!(scope.context().permissions, PermissionSet::empty());
        let scope = scope
            .require_scope(&hub, AuditAction::ApiWhoami, ApiScope::RunsWrite)
            .await
            .expect("held scope");
        assert_eq!(
            scope
                .require_scope(&hub, AuditAction::ApiWhoami, ApiScope::SecretsUse)
                .await
                .err(),
            Some(HubError::Forbidden)
        );
        assert_eq!(
            hub.enter_tenant(caller.clone(), TenantKey::Id(b.id), AuditAction::ApiWhoami)
                .await
                .err(),
            Some(HubError::not_found("The tenant"))
        );
        // Keys are never MSP administrators.
        assert_eq!(
            hub.msp_grant(
                caller,
                AuditAction::ApiKeyCreate,
                hub_core::access::msp::MspRole::MspAdmin
            )
            .await
            .err(),
            Some(HubError::Forbidden)
        );
        let by_key: (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE actor_user_id IS NULL) FROM audit_events \
             WHERE actor_api_key_id = $1",
        )
        .bind(key.id.to_string())
        .fetch_one(&db.owner_pool().await)
        .await
        .expect("audit");
        assert_eq!(
            by_key,
            (3, 3),
            "every refusal of the key names the key, not a user"
        );

        // Revoking acts on the very next authentication.
        hub.revoke_api_key(&admin, &a.slug, created.key.id)
            .await
            .expect("revoke");
        assert_eq!(
            hub.authenticate_api_key(&created.secret)
                .await
                .expect("auth"),
            None
        );
        // Revoking again changes nothing; a key of A is not found under B.
        let again = hub
            .revoke_api_key(&admin, &a.slug, created.key.id)
            .await
            .expect("idempotent");
        assert!(again.revoked_at.is_some());
        assert_eq!(
            hub.revoke_api_key(&admin, &b.slug, created.key.id)
                .await
                .err(),
            Some(HubError::not_found("The API key"))
        );
    }
);

conformance!(
    fifty_concurrent_key_creations_and_revocations_all_succeed_and_count_exactly,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 10).await;
        let a = hub.create_tenant(&admin, "Tenant A").await.expect("a");
        let creations = (0..50).map(|_| {
            let (hub, admin, slug) = (hub.clone(), admin.clone(), a.slug.clone());
            tokio::spawn(async move {
                hub.create_api_key(&admin, &slug, &key_input(&[ApiScope::RunsWrite]))
                    .await
            })
        });
        let created: Vec<_> = futures_util::future::join_all(creations)
            .await
            .into_iter()
            .map(|task| task.expect("task").expect("every creation succeeds"))
            .collect();
        let mut public_ids: Vec<&str> = created.iter().map(|c| c.key.public_id.as_str()).collect();
        public_ids.sort_unstable();
        public_ids.dedup();
        assert_eq!(public_ids.len(), 50);
        assert_eq!(
            hub.api_keys(&admin, &a.slug)
                .await
                .expect("list")
                .items
                .len(),
            50
        );

        let id = created[0].key.id;
        let revocations = (0..50).map(|_| {
            let (hub, admin, slug) = (hub.clone(), admin.clone(), a.slug.clone());
            tokio::spawn(async move { hub.revoke_api_key(&admin, &slug, id).await })
        });
        for task in futures_util::future::join_all(revocations).await {
            let revoked = task.expect("task").expect("every revocation succeeds");
            assert!(revoked.revoked_at.is_some());
        }
        let audited: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'api_key.revoke' AND outcome = 'allowed'",
        )
        .fetch_one(&db.owner_pool().await)
        .await
        .expect("audit");
        assert_eq!(audited, 1, "one revocation, recorded once");
        assert_eq!(
            hub.authenticate_api_key(&created[0].secret)
                .await
                .expect("auth"),
            None
        );
        assert!(hub
            .authenticate_api_key(&created[1].secret)
            .await
            .expect("auth")
            .is_some());
    }
);
