//! The Technicians page (MSP Admin): search and pages on the server, and creation.

use crate::{
    api::technicians::{list_technicians, CreateTechnician},
    components::{
        auth_card::{action_error, reset_on_success},
        error_view::ErrorPanel,
    },
    paths::technician_detail,
};
use hub_model::technicians::{TechnicianPage, TECHNICIAN_PAGE_SIZES};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_query_map},
    NavigateOptions,
};

fn href(search: &str, page: i64) -> String {
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("q", search)
        .append_pair("page", &page.to_string())
        .finish();
    format!("/technicians?{query}")
}

/// `/technicians`
#[component]
pub fn TechniciansPage() -> impl IntoView {
    let query = use_query_map();
    let search = Memo::new(move |_| query.with(|q| q.get("q").unwrap_or_default()));
    let page = Memo::new(move |_| {
        query.with(|q| {
            q.get("page")
                .and_then(|p| p.parse().ok())
                .unwrap_or(1_i64)
                .max(1)
        })
    });
    let create = ServerAction::<CreateTechnician>::new();
    let list = Resource::new(
        move || (search.get(), page.get(), create.version().get()),
        |(search, page, _)| list_technicians(search, page, TECHNICIAN_PAGE_SIZES[0]),
    );
    let navigate = use_navigate();
    let typed = RwSignal::new(search.get_untracked());
    let on_search = {
        let navigate = navigate.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            navigate(&href(&typed.get_untracked(), 1), NavigateOptions::default());
        }
    };
    view! {
        <Title text="Technicians"/>
        <header class="page-header">
            <h1>"Technicians"</h1>
            <p class="muted">"Technician accounts act only inside the tenants you assign them to, with the permissions you choose per tenant."</p>
        </header>
        <CreateTechnicianForm create/>
        <div class="toolbar" role="search">
            <form class="search-form" on:submit=on_search>
                <label class="visually-hidden" for="technician-search">"Search technicians"</label>
                <input id="technician-search" type="search" placeholder="Search by name, email or phone"
                    prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev))/>
                <button type="submit" class="button secondary">"Search"</button>
            </form>
        </div>
        <Transition fallback=|| view! { <div class="panel" aria-busy="true">"Loading technicians…"</div> }>
            {move || {
                let navigate = navigate.clone();
                Suspend::new(async move {
                    match list.await {
                        Ok(page) => view! { <TechnicianTable page search=search.get_untracked() navigate/> }.into_any(),
                        Err(e) => view! { <ErrorPanel message=e.to_string()/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
    .into_any()
}

#[component]
fn CreateTechnicianForm(create: ServerAction<CreateTechnician>) -> impl IntoView {
    let error = action_error(create);
    let form = NodeRef::new();
    reset_on_success(create, form);
    let created = move || {
        create.value().with(|v| {
            v.as_ref()
                .and_then(|r| r.as_ref().ok())
                .map(|t| (t.display_name.clone(), t.id))
        })
    };
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
            {move || error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            {move || created().map(|(name, id)| view! {
                <p class="form-success" role="status">
                    "Created " <a href=technician_detail(id)>{name}</a>
                    ". They see no tenant until you assign one."
                </p>
            })}
        </section>
    }
    .into_any()
}

#[component]
fn TechnicianTable<N>(page: TechnicianPage, search: String, navigate: N) -> impl IntoView
where
    N: Fn(&str, NavigateOptions) + Clone + Send + Sync + 'static,
{
    if page.items.is_empty() {
        let message = if search.is_empty() {
            "No technicians yet. Create the first one above."
        } else {
            "No technician matches this search."
        };
        return view! { <div class="panel empty-state" data-testid="technician-empty"><p>{message}</p></div> }.into_any();
    }
    let pages = page.pages();
    let first = (page.page - 1) * page.per_page + 1;
    let last = first + i64::try_from(page.items.len()).unwrap_or(0) - 1;
    let (prev, next) = (href(&search, page.page - 1), href(&search, page.page + 1));
    let go_prev = {
        let navigate = navigate.clone();
        move |_| navigate(&prev, NavigateOptions::default())
    };
    let go_next = move |_| navigate(&next, NavigateOptions::default());
    view! {
        <div class="panel table-panel">
            <table class="data-table" data-testid="technician-table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Phone"</th>
                        <th scope="col">"Tenants"</th>
                        <th scope="col">"Status"</th>
                    </tr>
                </thead>
                <tbody>
                    {page.items.into_iter().map(|t| view! {
                        <tr data-testid="technician-row" class:inactive=!t.active>
                            <td><A href=technician_detail(t.id)>{t.display_name}</A></td>
                            <td>{t.email}</td>
                            <td class="muted">{if t.phone.is_empty() { "—".to_owned() } else { t.phone }}</td>
                            <td>{if t.tenants == 0 { "None".to_owned() } else { t.tenants.to_string() }}</td>
                            <td>{if t.active {
                                view! { <span class="badge success">"Active"</span> }.into_any()
                            } else {
                                view! { <span class="badge danger">"Deactivated"</span> }.into_any()
                            }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <nav class="pager" aria-label="Pages">
            <span class="muted">{format!("{first}–{last} of {} · page {} of {pages}", page.total, page.page)}</span>
            <div class="pager-buttons">
                <button type="button" class="button secondary" disabled={page.page <= 1} on:click=go_prev>"← Previous"</button>
                <button type="button" class="button secondary" disabled={page.page >= pages} on:click=go_next>"Next →"</button>
            </div>
        </nav>
    }
    .into_any()
}
