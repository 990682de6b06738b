//! Two revisions side by side: title and period, each section in the official order with
//! removed lines marked on the left and added ones on the right (as `<del>` and `<ins>`,
//! so a screen reader says which), then each item added, removed or changed.

use leptos::prelude::*;

use super::labels::{group_key, names, period_label, revision_label, section_key, years_label};
use super::{ComparedLine, LineChange, NamedRef, PlanComparison, PlanItem};
use crate::api::fetch_plan_compare_page;
use crate::components::id_param;
use crate::i18n::Key;
use crate::pages::{query, signed_in_page};
use crate::{tr, use_lang};

#[component]
pub fn PlanCompareView() -> impl IntoView {
    let id = id_param();
    let from = query("from");
    let to = query("to");
    let number = |q: Option<String>| q.and_then(|v| v.parse::<u32>().ok()).unwrap_or(0);
    let page = Resource::new(
        move || (id.get(), number(from.get()), number(to.get())),
        |(id, from, to)| async move {
            match id {
                Some(id) => fetch_plan_compare_page(id, from, to).await,
                None => Err(crate::api::AppError::NotFound),
            }
        },
    );
    signed_in_page(page, || None, |_me, c| view! { <Comparison c/> }.into_any())
}

#[component]
fn Comparison(c: PlanComparison) -> impl IntoView {
    let lang = use_lang();
    let (from, to) = (c.from, c.to);
    let (a, b) = (c.from_heading.clone(), c.to_heading.clone());
    let heading_row = move |label: Key, left: String, right: String| {
        let changed = left != right;
        view! {
            <tr class:changed=changed>
                <th scope="row">{tr(label)}</th>
                <td>{left}</td>
                <td>{right}</td>
            </tr>
        }
    };
    let refs = (c.organisations.clone(), c.kpis.clone());
    view! {
        <p><a href=format!("/plans/{}", c.plan_id)>{tr(Key::BackToPlan)}</a></p>
        <h1>{tr(Key::PlanCompareHeading)}</h1>
        <div class="table-scroll">
            <table class="plan-compare">
                <caption class="visually-hidden">{tr(Key::PlanCompareHeading)}</caption>
                <thead>
                    <tr>
                        <td></td>
                        <th scope="col">{move || revision_label(from, lang.get())}</th>
                        <th scope="col">{move || revision_label(to, lang.get())}</th>
                    </tr>
                </thead>
                <tbody>
                    {heading_row(Key::PlanTitle, a.title.clone(), b.title.clone())}
                    {move || heading_row(
                        Key::PlanPeriod,
                        period_label(a.period_start, a.period_end, lang.get()),
                        period_label(b.period_start, b.period_end, lang.get()),
                    )}
                    {c.sections.iter().map(|s| view! {
                        <tr class:changed=s.text.changed>
                            <th scope="row">
                                {tr(section_key(s.section))}
                                <br/><span class="muted">{tr(if s.text.changed { Key::PlanChanged } else { Key::PlanUnchangedMark })}</span>
                            </th>
                            <td><Lines lines=s.text.from.clone()/></td>
                            <td><Lines lines=s.text.to.clone()/></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <h2>{tr(Key::PlanItems)}</h2>
        <div class="table-scroll">
            <table class="plan-compare">
                <caption class="visually-hidden">{tr(Key::PlanItems)}</caption>
                <thead>
                    <tr>
                        <td></td>
                        <th scope="col">{move || revision_label(from, lang.get())}</th>
                        <th scope="col">{move || revision_label(to, lang.get())}</th>
                    </tr>
                </thead>
                <tbody>
                    {c.items.iter().map(|i| {
                        let state = match (&i.from, &i.to) {
                            (None, Some(_)) => Key::PlanItemAdded,
                            (Some(_), None) => Key::PlanItemRemoved,
                            _ if i.changed => Key::PlanChanged,
                            _ => Key::PlanUnchangedMark,
                        };
                        let title = i.to.as_ref().or(i.from.as_ref()).map(|x| x.input.title.clone()).unwrap_or_default();
                        let other_a = i.to.clone();
                        let other_b = i.from.clone();
                        view! {
                            <tr class:changed=i.changed>
                                <th scope="row">{title}<br/><span class="muted">{tr(state)}</span></th>
                                <td><ItemSide item=i.from.clone() other=other_a refs=refs.clone()/></td>
                                <td><ItemSide item=i.to.clone() other=other_b refs=refs.clone()/></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn Lines(lines: Vec<ComparedLine>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="compared-lines">
            {lines.into_iter().map(|l| match l.change {
                LineChange::Same => view! { <div>{l.text}</div> }.into_any(),
                LineChange::Removed => view! {
                    <div><del><span class="visually-hidden">{move || crate::i18n::t(lang.get(), Key::PlanLineRemoved)}": "</span>{l.text}</del></div>
                }.into_any(),
                LineChange::Added => view! {
                    <div><ins><span class="visually-hidden">{move || crate::i18n::t(lang.get(), Key::PlanLineAdded)}": "</span>{l.text}</ins></div>
                }.into_any(),
            }).collect_view()}
        </div>
    }
}

/// One side of an item, its fields that differ from the other side marked.
#[component]
fn ItemSide(
    item: Option<PlanItem>,
    other: Option<PlanItem>,
    refs: (Vec<NamedRef>, Vec<NamedRef>),
) -> impl IntoView {
    let lang = use_lang();
    let Some(item) = item else {
        return view! { <span class="muted">"—"</span> }.into_any();
    };
    let i = item.input.clone();
    let o = other.map(|o| o.input);
    let differs =
        |f: &dyn Fn(&super::PlanItemInput) -> String| o.as_ref().is_some_and(|o| f(o) != f(&i));
    let budget = |x: &super::PlanItemInput| {
        x.budget
            .map(crate::kpis::labels::group_digits)
            .unwrap_or_default()
    };
    let schedule = i.schedule.clone();
    let rows = vec![
        (
            Key::PlanTargetGroup,
            differs(&|x| format!("{:?}", x.target_group)),
            view! { {tr(group_key(i.target_group))} }.into_any(),
        ),
        (
            Key::PlanItemTitle,
            differs(&|x| x.title.clone()),
            view! { {i.title.clone()} }.into_any(),
        ),
        (
            Key::PlanItemDescription,
            differs(&|x| x.description.clone()),
            view! { {i.description.clone()} }.into_any(),
        ),
        (
            Key::PlanItemResponsible,
            differs(&|x| format!("{:?}", x.responsible)),
            view! { {names(&i.responsible, &refs.0)} }.into_any(),
        ),
        (
            Key::PlanItemSchedule,
            differs(&|x| format!("{:?}", x.schedule)),
            view! { {move || years_label(&schedule, lang.get())} }.into_any(),
        ),
        (
            Key::PlanItemBudget,
            differs(&budget),
            view! { {budget(&i)} }.into_any(),
        ),
        (
            Key::PlanItemKpis,
            differs(&|x| format!("{:?}", x.kpis)),
            view! { {names(&i.kpis, &refs.1)} }.into_any(),
        ),
    ];
    view! {
        <dl class="facts">
            {rows.into_iter().map(|(label, changed, value)| view! {
                <dt>{tr(label)}</dt>
                <dd class:changed=changed>
                    {changed.then(|| view! { <span class="visually-hidden">{tr(Key::PlanChanged)}": "</span> })}
                    {value}
                </dd>
            }).collect_view()}
        </dl>
    }
    .into_any()
}
