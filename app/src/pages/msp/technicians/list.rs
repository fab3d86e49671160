//! The Technicians page (MSP Admin): search and pages on the server, and creation.

use crate::{
    api::technicians::{list_technicians, CreateTechnician},
    components::{
        auth_card::reset_on_success,
        data_table::{
            use_list_query, ActionsHeader, ListQuery, ListToolbar, Pager, PastTheEnd, RowMenu,
            SortHeader,
        },
        error_view::ErrorPanel,
        progress::pending,
        toast::use_toast,
    },
    paths::technician_detail,
};
use hub_model::technicians::{TechnicianPage, TechnicianSort};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// Where the list lives.
const PATH: &str = "/technicians";
/// `hub_model::technicians::TECHNICIAN_PAGE_SIZES`, as the table counts (a test ties them).
const PAGE_SIZES: &[u32] = &[25, 50, 100];

/// `/technicians`
#[component]
pub fn TechniciansPage() -> impl IntoView {
    let query = use_list_query(PAGE_SIZES);
    let create = ServerAction::<CreateTechnician>::new();
    let list = Resource::new(
        move || (query.get(), create.version().get()),
        |(q, _)| {
            list_technicians(
                q.search.clone(),
                TechnicianSort::parse(&q.sort).as_str().to_owned(),
                q.descending,
                i64::from(q.page),
                i64::from(q.per_page),
            )
        },
    );
    let created = RwSignal::new(None::<String>);
    view! {
        <Title text="Technicians"/>
        <header class="page-header">
            <h1>"Technicians"</h1>
            <p class="muted">"Technician accounts act only inside the tenants you assign them to, with the permissions you choose per tenant."</p>
        </header>
        <CreateTechnicianForm create created/>
        <ListToolbar path=PATH query placeholder="Search by name, email or phone" label="Search technicians" page_sizes=PAGE_SIZES/>
        <Transition set_pending=pending() fallback=|| view! { <div class="panel" aria-busy="true">"Loading technicians…"</div> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(page) => view! { <TechnicianTable page query=query.get_untracked() created/> }.into_any(),
                    Err(e) => view! { <ErrorPanel message=e.to_string()/> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn CreateTechnicianForm(
    create: ServerAction<CreateTechnician>,
    created: RwSignal<Option<String>>,
) -> impl IntoView {
    let form = NodeRef::new();
    reset_on_success(create, form);
    let toaster = use_toast();
    Effect::new(move |_| {
        create.value().with(|last| match last {
            Some(Ok(technician)) => {
                created.set(Some(technician.id.to_string()));
                toaster.success(format!(
                    "Created {}. They see no tenant until you assign one.",
                    technician.display_name
                ));
            }
            Some(Err(error)) => toaster.error(error.to_string()),
            None => {}
        });
    });
    view! {
        <section class="panel form-panel create-panel">
            <h2>"New technician"</h2>
            <ActionForm action=create node_ref=form attr:class="grid-form">
                <label class="field"><span>"Name"</span>
                    <input type="text" name="display_name" required maxlength="100" autocomplete="off"/></label>
                <label class="field"><span>"Email"</span>
                    <input type="email" name="email" required autocomplete="off"/></label>
                <label class="field"><span>"Phone"</span>
                    <input type="tel" name="phone" placeholder="Optional" autocomplete="off"/></label>
                <label class="field"><span>"Initial password"</span>
                    <input type="password" name="password" required minlength="12" autocomplete="new-password"/></label>
                <div class="form-actions">
                    <button type="submit" disabled=move || create.pending().get()>
                        {move || if create.pending().get() { "Creating…" } else { "Create technician" }}
                    </button>
                </div>
            </ActionForm>
        </section>
    }
    .into_any()
}

#[component]
fn TechnicianTable(
    page: TechnicianPage,
    query: ListQuery,
    created: RwSignal<Option<String>>,
) -> impl IntoView {
    if page.items.is_empty() && page.total > 0 {
        let total = page.total;
        return view! { <PastTheEnd path=PATH query total what="technicians" test_id="technician-empty"/> }.into_any();
    }
    if page.items.is_empty() {
        let message = if query.search.is_empty() {
            "No technicians yet. Create the first one above."
        } else {
            "No technician matches this search."
        };
        return view! { <div class="panel empty-state" data-testid="technician-empty"><p>{message}</p></div> }.into_any();
    }
    let list = use_list_query(PAGE_SIZES);
    let current = TechnicianSort::parse(&query.sort).as_str();
    let total = page.total;
    view! {
        <div class="panel table-panel">
            <table class="data-table" data-testid="technician-table">
                <thead>
                    <tr>
                        <SortHeader path=PATH query=list key="name" label="Name" current/>
                        <SortHeader path=PATH query=list key="email" label="Email" current/>
                        <th scope="col">"Phone"</th>
                        <SortHeader path=PATH query=list key="tenants" label="Tenants" current/>
                        <SortHeader path=PATH query=list key="status" label="Status" current/>
                        <ActionsHeader/>
                    </tr>
                </thead>
                <tbody>
                    {page.items.into_iter().map(|t| {
                        let id = t.id.to_string();
                        let just_created = move || created.with(|c| c.as_deref() == Some(id.as_str()));
                        let href = technician_detail(t.id);
                        let menu_label = t.display_name.clone();
                        view! {
                            <tr data-testid="technician-row" class:inactive=!t.active class:just-created=just_created>
                                <td data-label="Name"><A href=href.clone()>{t.display_name.clone()}</A></td>
                                <td data-label="Email">{t.email}</td>
                                <td data-label="Phone" class="muted">{if t.phone.is_empty() { "—".to_owned() } else { t.phone }}</td>
                                <td data-label="Tenants">{if t.tenants == 0 { "None".to_owned() } else { t.tenants.to_string() }}</td>
                                <td data-label="Status">{if t.active {
                                    view! { <span class="badge success">"Active"</span> }.into_any()
                                } else {
                                    view! { <span class="badge danger">"Deactivated"</span> }.into_any()
                                }}</td>
                                <td class="actions">
                                    <RowMenu label=menu_label>
                                        <a class="menu-item" role="menuitem" href=href.clone()>"Assignments and access"</a>
                                        <a class="menu-item" role="menuitem" href=format!("{href}#account")>"Edit account"</a>
                                    </RowMenu>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <Pager path=PATH query total/>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_page_sizes_are_the_servers() {
        let server: Vec<i64> = hub_model::technicians::TECHNICIAN_PAGE_SIZES.to_vec();
        let table: Vec<i64> = super::PAGE_SIZES.iter().map(|s| i64::from(*s)).collect();
        assert_eq!(table, server);
    }
}
