//! The one data table every list uses: its state in the URL ([`ListQuery`]), the toolbar
//! (search as you type, filters, page size), sortable column headers, the pager, the row
//! actions menu and the highlight of the row just created.
//!
//! Every control is a real link or a real form field with a name, so a click made before the
//! WASM has loaded does what it says: the server renders the page the link or the form asks
//! for. After hydration the router takes the same links in place, and typing searches after a
//! short pause (the URL is replaced, not pushed, so the back button skips the keystrokes).
//!
//! Lists the server pages (tenants, technicians) pass the query to their server function;
//! short lists loaded whole (a tenant's users and roles, API keys) use [`page_in_memory`],
//! which gives the same behaviour from the same URL.

use leptos::{either::Either, ev, prelude::*};
use leptos_router::{
    hooks::{use_navigate, use_query_map},
    params::ParamsMap,
    NavigateOptions,
};
use std::{cmp::Ordering, time::Duration};

/// The URL parameters the table itself uses; any other parameter is a list's own filter.
const OWN_PARAMS: [&str; 5] = ["q", "sort", "dir", "page", "per_page"];

/// How long typing pauses before the list searches.
const SEARCH_DELAY: Duration = Duration::from_millis(250);

/// A list's state as it stands in the URL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// The search text (`q`).
    pub search: String,
    /// The sort column's key (`sort`); empty: the list's default order.
    pub sort: String,
    /// `dir=desc`.
    pub descending: bool,
    /// 1-based page.
    pub page: u32,
    /// Rows per page, one of the list's page sizes.
    pub per_page: u32,
    /// The list's own filters, in URL order (e.g. `status=active`).
    pub filters: Vec<(String, String)>,
}

impl ListQuery {
    /// Reads the state from the URL's query; a page size the list does not offer becomes its
    /// first one.
    pub fn from_params(params: &ParamsMap, page_sizes: &[u32]) -> Self {
        let per_page = params
            .get("per_page")
            .and_then(|p| p.parse().ok())
            .filter(|p| page_sizes.contains(p))
            .unwrap_or(page_sizes[0]);
        let filters = params
            .into_iter()
            .filter(|(key, _)| !OWN_PARAMS.contains(&key.as_ref()))
            .map(|(key, value)| (key.to_string(), value.to_owned()))
            .collect();
        Self {
            search: params.get("q").unwrap_or_default(),
            sort: params.get("sort").unwrap_or_default(),
            descending: params.get("dir").as_deref() == Some("desc"),
            page: params
                .get("page")
                .and_then(|p| p.parse().ok())
                .unwrap_or(1)
                .max(1),
            per_page,
            filters,
        }
    }

    /// The sort in force: the URL's when it is one of `keys`, else the first (the default).
    pub fn sort_in(&self, keys: &[&'static str]) -> &'static str {
        keys.iter()
            .copied()
            .find(|key| *key == self.sort)
            .unwrap_or(keys[0])
    }

    /// Whether a search or any filter narrows the list.
    pub fn is_filtered(&self) -> bool {
        !self.search.is_empty() || self.filters.iter().any(|(_, v)| !v.is_empty())
    }

    /// The value of one of the list's filters (empty when unset).
    pub fn filter(&self, name: &str) -> &str {
        self.filters
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.as_str())
    }

    /// The link to this state on `path`. Parameters at their default are left out.
    pub fn href(&self, path: &str) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        if !self.search.is_empty() {
            query.append_pair("q", &self.search);
        }
        for (key, value) in &self.filters {
            if !value.is_empty() {
                query.append_pair(key, value);
            }
        }
        if !self.sort.is_empty() {
            query.append_pair("sort", &self.sort);
        }
        if self.descending {
            query.append_pair("dir", "desc");
        }
        if self.page > 1 {
            query.append_pair("page", &self.page.to_string());
        }
        query.append_pair("per_page", &self.per_page.to_string());
        format!("{path}?{}", query.finish())
    }

    /// Sorted by `key`: the same column again flips the direction; from page 1.
    pub fn sorted_by(&self, key: &str, current_sort: &str) -> Self {
        let descending = current_sort == key && !self.descending;
        Self {
            sort: key.to_owned(),
            descending,
            page: 1,
            ..self.clone()
        }
    }

    /// The same list at another page.
    pub fn at_page(&self, page: u32) -> Self {
        Self {
            page: page.max(1),
            ..self.clone()
        }
    }

    /// With a changed search or filter: back to page 1.
    pub fn with_param(&self, name: &str, value: String) -> Self {
        let mut next = Self {
            page: 1,
            ..self.clone()
        };
        match name {
            "q" => next.search = value,
            "per_page" => next.per_page = value.parse().unwrap_or(self.per_page),
            _ => {
                next.filters.retain(|(key, _)| key != name);
                next.filters.push((name.to_owned(), value));
            }
        }
        next
    }
}

/// The list state of the current URL.
pub fn use_list_query(page_sizes: &'static [u32]) -> Memo<ListQuery> {
    let query = use_query_map();
    Memo::new(move |_| query.with(|q| ListQuery::from_params(q, page_sizes)))
}

/// One choice of a filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterOption {
    pub value: &'static str,
    pub label: &'static str,
}

/// A list's own filter: a select in the toolbar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    /// The URL parameter.
    pub name: &'static str,
    pub label: &'static str,
    /// The first option is the default.
    pub options: Vec<FilterOption>,
}

/// The toolbar over a list: search, filters and page size, as one GET form.
#[component]
pub fn ListToolbar(
    /// The list's page, e.g. `/tenants`.
    #[prop(into)]
    path: String,
    query: Memo<ListQuery>,
    /// What the search box searches, e.g. "Search by name or slug".
    placeholder: &'static str,
    /// The search box's accessible name, e.g. "Search tenants".
    label: &'static str,
    page_sizes: &'static [u32],
    #[prop(optional)] filters: Vec<Filter>,
    /// A list with nothing to search by text (filters only).
    #[prop(optional)]
    no_search: bool,
) -> impl IntoView {
    let navigate = use_navigate();
    let search_id = format!("{}-search", path.trim_start_matches('/').replace('/', "-"));
    let action = path.clone();
    let go = move |next: ListQuery| {
        navigate(
            &next.href(&path),
            NavigateOptions {
                replace: true,
                scroll: false,
                ..NavigateOptions::default()
            },
        );
    };
    let pending_search = StoredValue::new_local(None::<TimeoutHandle>);
    let on_input = {
        let go = go.clone();
        move |event: ev::Event| {
            let text = event_target_value(&event);
            if let Some(handle) = pending_search.get_value() {
                handle.clear();
            }
            let go = go.clone();
            let handle = set_timeout_with_handle(
                move || go(query.get_untracked().with_param("q", text)),
                SEARCH_DELAY,
            )
            .ok();
            pending_search.set_value(handle);
        }
    };
    let search_box = NodeRef::<leptos::html::Input>::new();
    let on_submit = {
        let go = go.clone();
        move |event: ev::SubmitEvent| {
            event.prevent_default();
            if let Some(handle) = pending_search.get_value() {
                handle.clear();
            }
            if let Some(input) = search_box.get_untracked() {
                go(query.get_untracked().with_param("q", input.value()));
            }
        }
    };
    let initial = query.get_untracked();
    // The state the visible fields do not carry, for the form's submission before hydration.
    let own_filters: Vec<&'static str> = filters.iter().map(|f| f.name).collect();
    let hidden = move || {
        let current = query.get();
        let mut hidden: Vec<(String, String)> = current
            .filters
            .iter()
            .filter(|(key, _)| !own_filters.contains(&key.as_str()))
            .cloned()
            .collect();
        if !current.sort.is_empty() {
            hidden.push(("sort".to_owned(), current.sort.clone()));
        }
        if current.descending {
            hidden.push(("dir".to_owned(), "desc".to_owned()));
        }
        hidden
            .into_iter()
            .map(|(name, value)| view! { <input type="hidden" name=name value=value/> })
            .collect_view()
    };
    let selects = filters
        .into_iter()
        .map(|filter| {
            let go = go.clone();
            let name = filter.name;
            let current = initial.filter(name).to_owned();
            // An unset filter shows its first choice (the default).
            let default = filter.options.first().map_or("", |o| o.value);
            let shown = move || {
                query.with(|q| match q.filter(name) {
                    "" => default.to_owned(),
                    value => value.to_owned(),
                })
            };
            view! {
                <label class="select">
                    <span>{filter.label}</span>
                    <select name=name prop:value=shown
                        on:change=move |event| go(query.get_untracked().with_param(name, event_target_value(&event)))>
                        {filter.options.into_iter().map(|option| view! {
                            <option value=option.value selected=option.value == current>{option.label}</option>
                        }).collect_view()}
                    </select>
                </label>
            }
        })
        .collect_view();
    let per_page = initial.per_page;
    view! {
        <form class="toolbar" role="search" method="get" action=action on:submit=on_submit>
            {(!no_search).then(|| view! {
                <div class="search-form">
                    <label class="visually-hidden" for=search_id.clone()>{label}</label>
                    <input node_ref=search_box id=search_id type="search" name="q" placeholder=placeholder
                        value=initial.search.clone() prop:value=move || query.with(|q| q.search.clone())
                        autocomplete="off" on:input=on_input/>
                    <button type="submit" class="button secondary">"Search"</button>
                </div>
            })}
            {no_search.then(|| view! { <button type="submit" class="button secondary visually-hidden">"Show"</button> })}
            {selects}
            <label class="select">
                <span>"Per page"</span>
                <select name="per_page" prop:value=move || query.with(|q| q.per_page.to_string())
                    on:change=move |event| go(query.get_untracked().with_param("per_page", event_target_value(&event)))>
                    {page_sizes.iter().map(|size| view! {
                        <option value=size.to_string() selected=*size == per_page>{size.to_string()}</option>
                    }).collect_view()}
                </select>
            </label>
            {hidden}
        </form>
    }
}

/// A column header that sorts the list by `key`: a link, with the sort shown as an arrow and
/// as `aria-sort`. `current` is the list's effective sort key (the URL's when the list offers
/// it, else its default), so the order in force is shown whatever the URL says.
#[component]
pub fn SortHeader(
    #[prop(into)] path: String,
    query: Memo<ListQuery>,
    key: &'static str,
    label: &'static str,
    /// The sort in force, e.g. `"name"` when the URL names none (or one the list lacks).
    current: &'static str,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    let active = move || current == key;
    let descending = move || query.with(|q| q.descending);
    let href = move || query.with(|q| q.sorted_by(key, current).href(&path));
    let aria = move || match (active(), descending()) {
        (false, _) => "none",
        (true, false) => "ascending",
        (true, true) => "descending",
    };
    view! {
        <th scope="col" class=class aria-sort=aria>
            <a class="sort-link" href=href data-testid=format!("sort-{key}")>
                {label}
                <span class="sort-mark" aria-hidden="true">
                    {move || match (active(), descending()) {
                        (false, _) => "↕",
                        (true, false) => "↑",
                        (true, true) => "↓",
                    }}
                </span>
            </a>
        </th>
    }
}

/// A plain column header.
#[component]
pub fn Header(label: &'static str, #[prop(optional)] class: &'static str) -> impl IntoView {
    view! { <th scope="col" class=class>{label}</th> }
}

/// The header of the row-actions column (named for screen readers only).
#[component]
pub fn ActionsHeader() -> impl IntoView {
    view! { <th scope="col" class="actions"><span class="visually-hidden">"Actions"</span></th> }
}

/// "1–25 of 230 · page 1 of 10" with Previous and Next as links.
#[component]
pub fn Pager(#[prop(into)] path: String, query: ListQuery, total: i64) -> impl IntoView {
    let per_page = i64::from(query.per_page.max(1));
    let pages = ((total + per_page - 1) / per_page).max(1);
    let page = i64::from(query.page).min(pages);
    let first = if total == 0 {
        0
    } else {
        (page - 1) * per_page + 1
    };
    let last = (page * per_page).min(total);
    let link = |to: i64, label: &'static str, enabled: bool, rel: &'static str| {
        if enabled {
            let href = query.at_page(u32::try_from(to).unwrap_or(1)).href(&path);
            Either::Left(
                view! { <a class="button secondary" href=href rel=rel data-testid=format!("pager-{rel}")>{label}</a> },
            )
        } else {
            Either::Right(
                view! { <span class="button secondary" aria-disabled="true">{label}</span> },
            )
        }
    };
    view! {
        <nav class="pager" aria-label="Pages">
            <span class="muted" data-testid="pager-status">
                {format!("{first}–{last} of {total} · page {page} of {pages}")}
            </span>
            <div class="pager-buttons">
                {link(page - 1, "← Previous", page > 1, "prev")}
                {link(page + 1, "Next →", page < pages, "next")}
            </div>
        </nav>
    }
}

/// A page past the end of a list (an old link, or its last row just went): says so and
/// links to the last page, instead of claiming the list is empty.
#[component]
pub fn PastTheEnd(
    #[prop(into)] path: String,
    query: ListQuery,
    total: i64,
    /// What the list holds, e.g. "tenants".
    what: &'static str,
    test_id: &'static str,
) -> impl IntoView {
    let per_page = i64::from(query.per_page.max(1));
    let last = u32::try_from((total + per_page - 1) / per_page).unwrap_or(1);
    let href = query.at_page(last).href(&path);
    view! {
        <div class="panel empty-state" data-testid=test_id>
            <p>{format!("No {what} on this page.")}</p>
            <a class="button secondary" href=href>"Go to the last page"</a>
        </div>
    }
}

/// What a list says when a page has no rows.
pub struct NoRows {
    /// What the list holds, e.g. "alerts".
    pub what: &'static str,
    /// The test id of the past-the-end panel and of the empty message.
    pub past_the_end_id: &'static str,
    pub empty_id: &'static str,
    /// When a search or filter matches nothing.
    pub no_match: &'static str,
    /// When the list is empty, and what to do about it.
    pub nothing_yet: &'static str,
}

/// A page with no rows: past the end of a list that has some (a link to the last page), no
/// match for the search and filters in force, or nothing yet.
pub fn no_rows(path: &str, query: ListQuery, total: i64, says: NoRows) -> AnyView {
    if total > 0 {
        return view! {
            <PastTheEnd path=path.to_owned() query total what=says.what test_id=says.past_the_end_id/>
        }
        .into_any();
    }
    let text = if query.is_filtered() {
        says.no_match
    } else {
        says.nothing_yet
    };
    view! { <p class="muted panel" data-testid=says.empty_id>{text}</p> }.into_any()
}

/// One row's actions, behind one button. Each item closes the menu when chosen; Esc and a
/// click elsewhere close it too. It is a `<details>`, so it opens before hydration as well.
#[component]
pub fn RowMenu(
    /// What the row is, for the button's accessible name ("Actions for Contoso").
    #[prop(into)]
    label: String,
    children: Children,
) -> impl IntoView {
    let menu = NodeRef::<leptos::html::Details>::new();
    let menu_name = format!("Actions for {label}");
    let close = move || {
        if let Some(menu) = menu.get_untracked() {
            menu.set_open(false);
        }
    };
    view! {
        <details class="row-menu" node_ref=menu data-testid="row-menu"
            on:keydown=move |event: ev::KeyboardEvent| if event.key() == "Escape" { close() }>
            <summary class="row-menu-button" aria-label=format!("Actions for {label}") title="Actions" aria-haspopup="menu">
                <span aria-hidden="true">"⋯"</span>
            </summary>
            <div class="row-menu-items" role="menu" aria-label=menu_name on:click=move |_| close()>
                {children()}
            </div>
        </details>
    }
}

/// Closes every open row menu when a click lands outside it; rendered once by the shell.
#[component]
pub fn RowMenuCloser() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let handle = window_event_listener(ev::click, |event| {
            let target = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Node>().ok());
            let Ok(open) = document().query_selector_all("details.row-menu[open]") else {
                return;
            };
            for index in 0..open.length() {
                let Some(menu) = open.item(index) else {
                    continue;
                };
                if !target.as_ref().is_some_and(|t| menu.contains(Some(t))) {
                    if let Ok(menu) = menu.dyn_into::<web_sys::Element>() {
                        let _ = menu.remove_attribute("open");
                    }
                }
            }
        });
        on_cleanup(move || handle.remove());
    }
}

/// One page of a list held whole in memory, searched, sorted and paged by the same URL state
/// as the lists the server pages. `matches` says whether a row matches the lowercased search
/// text; `compare` orders two rows by a sort key (the list's default when the URL has none).
pub fn page_in_memory<T>(
    rows: Vec<T>,
    query: &ListQuery,
    default_sort: &str,
    matches: impl Fn(&T, &str) -> bool,
    compare: impl Fn(&T, &T, &str) -> Ordering,
) -> (Vec<T>, i64) {
    let needle = query.search.trim().to_lowercase();
    let mut rows: Vec<T> = rows
        .into_iter()
        .filter(|row| needle.is_empty() || matches(row, &needle))
        .collect();
    let key = if query.sort.is_empty() {
        default_sort
    } else {
        query.sort.as_str()
    };
    rows.sort_by(|a, b| {
        let order = compare(a, b, key);
        if query.descending {
            order.reverse()
        } else {
            order
        }
    });
    let total = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    let per_page = usize::try_from(query.per_page.max(1)).unwrap_or(usize::MAX);
    let pages = rows.len().div_ceil(per_page).max(1);
    let page = usize::try_from(query.page).unwrap_or(1).clamp(1, pages);
    let rows = rows
        .into_iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .collect();
    (rows, total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> ParamsMap {
        let mut map = ParamsMap::new();
        for (key, value) in pairs {
            map.insert(key.to_string(), (*value).to_owned());
        }
        map
    }

    #[test]
    fn the_state_survives_the_round_trip_through_its_link() {
        let sizes = &[25, 50, 100];
        let state = ListQuery::from_params(
            &params(&[
                ("q", "con toso&"),
                ("status", "active"),
                ("sort", "created"),
                ("dir", "desc"),
                ("page", "3"),
                ("per_page", "50"),
            ]),
            sizes,
        );
        assert_eq!(state.search, "con toso&");
        assert_eq!(state.filter("status"), "active");
        assert_eq!(
            (
                state.sort.as_str(),
                state.descending,
                state.page,
                state.per_page
            ),
            ("created", true, 3, 50)
        );
        let href = state.href("/tenants");
        let query = href
            .strip_prefix("/tenants?")
            .expect("the path, then the query");
        let mut back = ParamsMap::new();
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            back.insert(key.into_owned(), value.into_owned());
        }
        assert_eq!(ListQuery::from_params(&back, sizes), state);
    }

    #[test]
    fn the_sort_in_force_is_one_the_list_offers() {
        let keys = ["created", "name"];
        let with = |sort: &str| ListQuery {
            sort: sort.to_owned(),
            ..ListQuery::default()
        };
        assert_eq!(with("name").sort_in(&keys), "name");
        assert_eq!(with("").sort_in(&keys), "created");
        assert_eq!(with("password_hash").sort_in(&keys), "created");
    }

    #[test]
    fn hostile_or_missing_values_fall_back_to_defaults() {
        let state = ListQuery::from_params(
            &params(&[("page", "-4"), ("per_page", "100000")]),
            &[25, 50],
        );
        assert_eq!((state.page, state.per_page), (1, 25));
        assert_eq!(
            ListQuery::from_params(&params(&[("page", "0")]), &[10]).page,
            1
        );
    }

    #[test]
    fn sorting_the_same_column_again_flips_it_and_every_change_returns_to_page_one() {
        let state = ListQuery {
            page: 4,
            per_page: 25,
            ..ListQuery::default()
        };
        let by_name = state.sorted_by("name", "created");
        assert_eq!(
            (by_name.sort.as_str(), by_name.descending, by_name.page),
            ("name", false, 1)
        );
        let flipped = by_name.sorted_by("name", "name");
        assert!(flipped.descending);
        assert_eq!(state.with_param("q", "x".into()).page, 1);
        assert_eq!(
            state
                .with_param("status", "inactive".into())
                .filter("status"),
            "inactive"
        );
    }

    #[test]
    fn a_list_in_memory_is_searched_sorted_and_paged_like_a_server_list() {
        let rows: Vec<String> = ["delta", "alpha", "charlie", "bravo", "echo"]
            .map(String::from)
            .to_vec();
        let query = ListQuery {
            search: String::new(),
            per_page: 2,
            page: 2,
            ..ListQuery::default()
        };
        let (page, total) = page_in_memory(
            rows.clone(),
            &query,
            "name",
            |r, n| r.contains(n),
            |a, b, _| a.cmp(b),
        );
        assert_eq!(
            (page, total),
            (vec!["charlie".to_owned(), "delta".to_owned()], 5)
        );
        let query = ListQuery {
            search: "A".into(),
            descending: true,
            per_page: 10,
            page: 9,
            ..ListQuery::default()
        };
        let (page, total) = page_in_memory(
            rows,
            &query,
            "name",
            |r, n| r.contains(n),
            |a, b, _| a.cmp(b),
        );
        assert_eq!(total, 4, "alpha, bravo, charlie, delta contain an a");
        assert_eq!(
            page.first().map(String::as_str),
            Some("delta"),
            "descending; a page past the end shows the last"
        );
    }
}
