//! `/status`: every process's consumers (state, last message, rate, reconnects, with the
//! process and host each runs on), the processes and their heartbeats, the database and its
//! tables' sizes, live subscribers, the usage verifier and the quarantine.

use leptos::prelude::*;

use super::load::Load;
use crate::api::get_status;
use crate::components::{ConsumersTable, ErrorBox, MaybeWhen, PageTitle, ProcessesTable, When};
use crate::model::{
    format_bytes, format_count, format_duration, format_signed_bytes, format_signed_count,
    QuarantineRow, RowsBasis, StatusData, TableSize, TableSizes, VerifierStatus,
};
use crate::routes;

/// The status page.
#[component]
pub fn StatusPage() -> impl IntoView {
    let data = Load::new(get_status);
    view! {
        <PageTitle text="Status — StackTach".to_string()/>
        <h1>"Status"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.get().await {
                    Ok(d) => view! { <Status d/> }.into_any(),
                    Err(e) => view! { <ErrorBox message=e.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Status(d: StatusData) -> impl IntoView {
    let db = format!(
        "Database: {}, {} · live feed subscribers: {}",
        d.database.backend,
        format_bytes(d.database.size_bytes),
        d.subscribers
    );
    view! {
        <p class="summary" aria-label="Database">{db}</p>
        <h2>"Consumers"</h2>
        <ConsumersTable deployments=d.deployments/>
        <h2>"Processes"</h2>
        <ProcessesTable processes=d.processes/>
        <h2>"Verifier"</h2>
        <Verifier v=d.verifier/>
        <h2>"Database tables"</h2>
        <Tables sizes=d.table_sizes/>
        <h2>{format!("Quarantine ({} messages)", d.quarantine_total)}</h2>
        <Quarantine rows=d.quarantine/>
    }
}

/// The usage verifier: exists per status of each service; last pass and lag when it runs in
/// the process that answered.
#[component]
fn Verifier(v: VerifierStatus) -> impl IntoView {
    let note = (!v.running).then(|| {
        view! { <p class="hint">"The verifier is not running in this process; counts are the database's."</p> }
    });
    let rows = v
        .services
        .into_iter()
        .map(|s| {
            let took = s.last_pass_ms.map(|ms| format_duration(ms * 1000));
            let lag = s.lag_secs.map(|secs| format_duration(secs * 1_000_000));
            view! {
                <tr>
                    <td>{s.service}</td>
                    <td class="num">{s.new}</td><td class="num">{s.in_progress}</td>
                    <td class="num">{s.verified}</td><td class="num">{s.reconciled}</td>
                    <td class="num">{s.failed}</td>
                    <td class="mono"><MaybeWhen at=s.last_pass/></td>
                    <td class="num">{took}</td><td class="num">{lag}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        {note}
        <table class="grid" aria-label="Verifier">
            <thead><tr>
                <th scope="col">"Service"</th><th scope="col" class="num">"New"</th>
                <th scope="col" class="num">"In progress"</th><th scope="col" class="num">"Verified"</th>
                <th scope="col" class="num">"Reconciled"</th><th scope="col" class="num">"Failed"</th>
                <th scope="col">"Last pass"</th><th scope="col" class="num">"Took"</th>
                <th scope="col" class="num">"Lag"</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// Rows, bytes, the growth over the last day and the retention of each table, largest first,
/// as the background sampler last measured them.
#[component]
fn Tables(sizes: TableSizes) -> impl IntoView {
    let Some(sampled_at) = sizes.sampled_at else {
        return view! { <p class="hint">"The table sizes are not sampled yet (every 5 minutes)."</p> }
            .into_any();
    };
    view! {
        <p class="hint">
            "Sampled at " <When at=sampled_at/> ". Rows are the database's estimates (catalog \
             statistics), not counts; growth is against the sample nearest a day earlier."
        </p>
        <table class="grid" aria-label="Table sizes">
            <thead><tr>
                <th scope="col">"Table"</th><th scope="col" class="num">"Rows"</th>
                <th scope="col" class="num">"Size"</th><th scope="col" class="num">"Rows/day"</th>
                <th scope="col" class="num">"Size/day"</th><th scope="col">"Retention"</th>
            </tr></thead>
            <tbody>{sizes.tables.into_iter().map(|t| view! { <TableRow t/> }).collect_view()}</tbody>
        </table>
    }
    .into_any()
}

/// One table's line; "—" where there is nothing to show (no estimate, no sample a day old, no
/// retention).
#[component]
fn TableRow(t: TableSize) -> impl IntoView {
    const NONE: &str = "\u{2014}";
    let rows = match t.rows_basis {
        RowsBasis::Unknown => NONE.to_owned(),
        _ => format_count(t.rows),
    };
    let bytes = format_bytes(i64::try_from(t.bytes).unwrap_or(i64::MAX));
    let (rows_day, bytes_day) = t.growth.map_or((NONE.to_owned(), NONE.to_owned()), |g| {
        (format_signed_count(g.rows), format_signed_bytes(g.bytes))
    });
    view! {
        <tr>
            <td class="mono">{t.table}</td>
            <td class="num" title=t.rows_basis.describe()>{rows}</td>
            <td class="num">{bytes}</td>
            <td class="num">{rows_day}</td>
            <td class="num">{bytes_day}</td>
            <td>{t.retention.unwrap_or_else(|| NONE.to_owned())}</td>
        </tr>
    }
}

#[component]
fn Quarantine(rows: Vec<QuarantineRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="hint">"Nothing quarantined."</p> }.into_any();
    }
    view! {
        <table class="grid" aria-label="Quarantine">
            <thead><tr>
                <th scope="col" class="num">"#"</th><th scope="col">"Deployment"</th>
                <th scope="col">"Exchange"</th><th scope="col">"Routing key"</th>
                <th scope="col">"Received"</th><th scope="col" class="num">"Bytes"</th>
                <th scope="col">"Error"</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|q| view! {
                    <tr>
                        <td class="num"><a href=routes::quarantined(q.id)>{q.id}</a></td>
                        <td>{q.deployment}</td><td>{q.exchange}</td><td>{q.routing_key}</td>
                        <td class="mono"><When at=q.received/></td>
                        <td class="num">{q.size}</td>
                        <td class="wrap">{q.error}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
