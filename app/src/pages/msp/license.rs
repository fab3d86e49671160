//! The License page: status, licensee, expiry, tenant count and default limits; activation.

use crate::{
    api::license::{get_license_overview, ActivateLicense},
    components::{
        auth_card::action_error, error_view::ErrorPanel, meter::Meter, progress::pending,
        toast::use_toast,
    },
};
use hub_model::license::{Activation, ActiveLicense, LicenseOverview, LicenseVerification};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/license`
#[component]
pub fn LicensePage() -> impl IntoView {
    let activate = ServerAction::<ActivateLicense>::new();
    let overview = Resource::new(move || activate.version().get(), |_| get_license_overview());
    // The first activation changes the role and the workspaces: reload the whole app once.
    Effect::new(move |_| {
        if activate
            .value()
            .with(|v| matches!(v, Some(Ok(Activation::Activated))))
        {
            let _ = window().location().set_href("/license");
        }
    });
    let error = action_error(activate);
    let toaster = use_toast();
    Effect::new(move |_| {
        if activate
            .value()
            .with(|v| matches!(v, Some(Ok(Activation::Updated))))
        {
            toaster.success("License updated: the new license and limits are in force.");
        }
    });
    view! {
        <Title text="License"/>
        <header class="page-header">
            <h1>"License"</h1>
            <p class="muted">"Your MSP license: status, expiry, tenant count and the limits new tenants start with."</p>
        </header>
        <Transition set_pending=pending() fallback=|| view! { <div class="panel" aria-busy="true">"Loading the license…"</div> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(LicenseOverview { license: Some(license), verification, .. }) => view! {
                        <VerificationNotice verification/>
                        <LicenseDetails license/>
                    }
                    .into_any(),
                    Ok(LicenseOverview { license: None, verification, .. }) => view! {
                        <VerificationNotice verification/>
                        <section class="panel callout" data-testid="unlicensed">
                            <h2>"Single-organization mode"</h2>
                            <p class="muted">
                                "MSP Hub runs for your own organization until you activate an MSP license. "
                                "Activating upgrades your Administrator account to the protected MSP Admin, "
                                "creates a Default Tenant holding everything that exists now, and lets you "
                                "manage customer tenants."
                            </p>
                        </section>
                    }
                    .into_any(),
                    Err(e) => view! { <ErrorPanel message=e.to_string()/> }.into_any(),
                }
            })}
        </Transition>
        <section class="panel form-panel">
            <h2>"Activate a license key"</h2>
            <p class="muted">"Paste the key exactly as your vendor sent it. A newer key replaces the license and its limits; your tenants and data stay as they are."</p>
            <ActionForm action=activate>
                <label class="field">
                    <span>"License key"</span>
                    <textarea name="license_key" rows="4" required spellcheck="false" autocomplete="off" class="mono"></textarea>
                </label>
                {move || error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                <button type="submit" disabled=move || activate.pending().get()>
                    {move || if activate.pending().get() { "Activating…" } else { "Activate" }}
                </button>
            </ActionForm>
        </section>
    }
}

/// Says when this hub cannot verify license keys, or trusts the development key.
#[component]
fn VerificationNotice(verification: LicenseVerification) -> impl IntoView {
    match verification {
        LicenseVerification::Vendor => None,
        LicenseVerification::NotConfigured => Some(view! {
            <div class="banner warning" role="note" data-testid="license-key-missing">
                "This hub has no license public key configured, so no license key can be activated. "
                "Set keys.license_public_key in Leptos.toml (or HUB_LICENSE_PUBLIC_KEY) to your "
                "vendor's public key and restart the hub."
            </div>
        }
        .into_any()),
        LicenseVerification::Development => Some(view! {
            <div class="banner warning" role="note" data-testid="license-key-development">
                "This hub trusts the development license key, whose private half is public: anyone "
                "can issue licenses for it. It is meant for demos and tests only."
            </div>
        }
        .into_any()),
    }
}

#[component]
fn LicenseDetails(license: ActiveLicense) -> impl IntoView {
    let status = if license.expired {
        view! { <span class="badge danger">"Expired"</span> }.into_any()
    } else {
        view! { <span class="badge success">"Active"</span> }.into_any()
    };
    view! {
        {license.expired.then(|| view! {
            <div class="banner warning" role="alert">
                "This license expired on " {license.expires_on.clone()} ". Existing tenants keep working; "
                "new tenants are refused until you activate a renewed key below."
            </div>
        })}
        <div class="cards" data-testid="license-details">
            <section class="panel card accent">
                <h2>"Status"</h2>
                <p class="big">{status}</p>
                <p class="muted">"Activated " {license.activated_on.clone()}</p>
            </section>
            <section class="panel card">
                <h2>"Licensee"</h2>
                <p class="big" data-testid="licensee">{license.licensee.clone()}</p>
                <p class="muted mono">"License " {license.license_id.clone()}</p>
            </section>
            <section class="panel card">
                <h2>"Expiry"</h2>
                <p class="big">{license.expires_on.clone()}</p>
                <p class="muted">"Issued " {license.issued_on.clone()}</p>
            </section>
            <section class="panel card">
                <h2>"Tenants"</h2>
                <p class="big" data-testid="tenant-count">{license.tenants.used} " / " {license.tenants.allowed}</p>
                <Meter used=license.tenants.used limit=license.tenants.allowed label="Tenants used"/>
            </section>
            <section class="panel card">
                <h2>"Default limits per tenant"</h2>
                <ul class="plain">
                    <li><strong>{license.default_limits.automs}</strong> " Automs"</li>
                    <li><strong>{license.default_limits.users}</strong> " users"</li>
                    <li><strong>{license.default_limits.agents}</strong> " AI agents"</li>
                </ul>
            </section>
        </div>
    }
}
