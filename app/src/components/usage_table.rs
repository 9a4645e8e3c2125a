//! A usage table (nova launches, deletes, exists; glance image usages, deletes, exists): the
//! columns of its kind, every instance, image, tenant, request and status a link (to its page,
//! or to the table filtered by that status).

use leptos::prelude::*;

use super::when::{MaybeWhen, When};
use crate::model::{format_bytes, UsageQuery, UsageRecord, UsageService, UsageTable};
use crate::routes;

/// A column of a usage table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Id,
    Subject,
    Owner,
    Request,
    Launched,
    Deleted,
    Period,
    Type,
    Flavor,
    Size,
    Os,
    Status,
    Send,
    Reason,
    Message,
    Event,
}

fn columns(service: UsageService, table: UsageTable) -> &'static [Col] {
    use Col::*;
    match (service, table) {
        (UsageService::Nova, UsageTable::Launches) => {
            &[Id, Subject, Owner, Request, Launched, Type, Flavor, Os]
        }
        (UsageService::Nova, UsageTable::Deletes) => &[Id, Subject, Launched, Deleted, Event],
        (UsageService::Nova, UsageTable::Exists) => &[
            Id, Subject, Owner, Launched, Deleted, Period, Type, Flavor, Status, Send, Reason,
            Message, Event,
        ],
        (UsageService::Glance, UsageTable::Launches) => {
            &[Id, Subject, Owner, Launched, Size, Event]
        }
        (UsageService::Glance, UsageTable::Deletes) => &[Id, Subject, Deleted, Event],
        (UsageService::Glance, UsageTable::Exists) => &[
            Id, Subject, Owner, Launched, Deleted, Period, Size, Status, Send, Reason, Message,
            Event,
        ],
    }
}

fn header(col: Col, service: UsageService) -> &'static str {
    match (col, service) {
        (Col::Id, _) => "Id",
        (Col::Subject, s) => s.subject(),
        (Col::Owner, s) => s.owner(),
        (Col::Request, _) => "Request",
        (Col::Launched, UsageService::Nova) => "Launched",
        (Col::Launched, UsageService::Glance) => "Created",
        (Col::Deleted, _) => "Deleted",
        (Col::Period, _) => "Audit period",
        (Col::Type, _) => "Type",
        (Col::Flavor, _) => "Flavor",
        (Col::Size, _) => "Size",
        (Col::Os, _) => "OS",
        (Col::Status, _) => "Status",
        (Col::Send, _) => "Send status",
        (Col::Reason, _) => "Fail reason",
        (Col::Message, _) => "Message id",
        (Col::Event, _) => "Event",
    }
}

fn text(v: Option<String>) -> AnyView {
    v.unwrap_or_default().into_any()
}

fn subject_link(service: UsageService, subject: Option<String>) -> AnyView {
    let Some(s) = subject.filter(|s| !s.is_empty()) else {
        return ().into_any();
    };
    let href = match service {
        UsageService::Nova => routes::instance(&s),
        UsageService::Glance => routes::image(&s),
    };
    view! { <a href=href>{s}</a> }.into_any()
}

fn link(href: impl Fn(&str) -> String, v: Option<String>) -> AnyView {
    match v.filter(|v| !v.is_empty()) {
        Some(v) => {
            let target = href(&v);
            view! { <a href=target>{v}</a> }.into_any()
        }
        None => ().into_any(),
    }
}

fn cell(col: Col, service: UsageService, r: &UsageRecord) -> AnyView {
    let status_href = |status: &str| {
        routes::usage_list(&UsageQuery {
            status: status.to_string(),
            ..UsageQuery::new(service, UsageTable::Exists)
        })
    };
    match col {
        Col::Id => view! { <td class="num">{r.id}</td> }.into_any(),
        Col::Subject => {
            view! { <td class="mono">{subject_link(service, r.subject.clone())}</td> }.into_any()
        }
        Col::Owner => {
            view! { <td class="mono">{link(routes::tenant, r.owner.clone())}</td> }.into_any()
        }
        Col::Request => {
            view! { <td class="mono">{link(routes::request, r.request_id.clone())}</td> }.into_any()
        }
        Col::Launched => view! { <td><MaybeWhen at=r.launched_at/></td> }.into_any(),
        Col::Deleted => view! { <td><MaybeWhen at=r.deleted_at/></td> }.into_any(),
        Col::Period => {
            let period = r
                .audit_period_beginning
                .zip(r.audit_period_ending)
                .map(|(b, e)| {
                    view! { <When at=b/>" – "<When at=e/> }
                });
            view! { <td>{period}</td> }.into_any()
        }
        Col::Type => view! { <td>{text(r.instance_type_id.clone())}</td> }.into_any(),
        Col::Flavor => view! { <td>{text(r.instance_flavor_id.clone())}</td> }.into_any(),
        Col::Size => {
            let size = r
                .size
                .map(|s| view! { <span title=format!("{s} bytes")>{format_bytes(s)}</span> });
            view! { <td class="num">{size}</td> }.into_any()
        }
        Col::Os => view! { <td>{text(r.os_distro.clone())}</td> }.into_any(),
        Col::Status => {
            let class = format!("status {}", r.status.clone().unwrap_or_default());
            view! { <td class=class>{link(status_href, r.status.clone())}</td> }.into_any()
        }
        Col::Send => view! { <td class="num">{r.send_status}</td> }.into_any(),
        Col::Reason => {
            view! { <td class="wrap reason">{text(r.fail_reason.clone())}</td> }.into_any()
        }
        Col::Message => view! { <td class="mono">{text(r.message_id.clone())}</td> }.into_any(),
        Col::Event => {
            let event = r
                .raw_id
                .map(|id| view! { <a href=routes::event(id)>{format!("#{id}")}</a> });
            view! { <td class="num">{event}</td> }.into_any()
        }
    }
}

/// `rows` of `table` under an accessible `label`; `empty` when there are none.
#[component]
pub fn UsageRecords(
    service: UsageService,
    table: UsageTable,
    rows: Vec<UsageRecord>,
    label: String,
    #[prop(into)] empty: String,
) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="hint">{empty}</p> }.into_any();
    }
    let cols = columns(service, table);
    view! {
        <table class="grid usage" aria-label=label>
            <thead><tr>
                {cols.iter().map(|c| {
                    let class = matches!(c, Col::Id | Col::Send | Col::Size | Col::Event).then_some("num");
                    view! { <th scope="col" class=class>{header(*c, service)}</th> }
                }).collect_view()}
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr>{cols.iter().map(|c| cell(*c, service, &r)).collect_view()}</tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
