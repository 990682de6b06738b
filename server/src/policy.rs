//! The policy layer: who the actor is, and the only way to read tenant data. Handlers and
//! pages get a [`Scope`] for the actor and ask it; no handler filters by hand. What the
//! actor may not see is "not found" (404), never "forbidden".
//!
//! A user works in the prefectural network of each platform they hold a role on: the
//! prefectural platform and its municipal platforms. Platforms, their member lists and
//! organisations are shared across that network (the member table is public in the
//! guidelines); records that cross tenants later (threads, outreach requests, practices)
//! add their own participant rules here.

use std::collections::BTreeSet;

use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use app::domain::{
    Member, MemberCategory, MyPlatform, Organisation, Platform, PlatformKind, Role,
    SecretariatRole, Standing,
};

use crate::entities::{membership, organisation, platform, user, user_role};
use crate::http::{ApiError, ApiResult};

/// The signed-in person, resolved once per request.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: user::Model,
    pub organisation: organisation::Model,
    /// (platform, role) pairs the user holds.
    pub roles: Vec<(Uuid, Role)>,
    /// Every platform of the prefectural networks the user works in.
    pub network: BTreeSet<Uuid>,
    /// The prefectural platforms at the root of those networks.
    pub network_roots: BTreeSet<Uuid>,
    pub csrf_token: String,
    /// The current pledge versions of those networks the user has not accepted
    /// (`crate::programme::pledges_due`): while any is owed, only the pledge page answers.
    pub pledges_due: Vec<Uuid>,
}

impl Actor {
    pub async fn load(
        db: &DatabaseConnection,
        user_id: Uuid,
        csrf_token: String,
    ) -> ApiResult<Option<Actor>> {
        let Some(user) = user::Entity::find_by_id(user_id).one(db).await? else {
            return Ok(None);
        };
        if user.disabled_at.is_some() {
            return Ok(None);
        }
        let organisation = organisation::Entity::find_by_id(user.organisation_id)
            .one(db)
            .await?
            .ok_or_else(|| ApiError::Internal("user without organisation".into()))?;
        let roles: Vec<(Uuid, Role)> = user_role::Entity::find()
            .filter(user_role::Column::UserId.eq(user_id))
            .all(db)
            .await?
            .into_iter()
            .filter_map(|r| Role::parse(&r.role).map(|role| (r.platform_id, role)))
            .collect();
        let (network_roots, network) = network_of(db, roles.iter().map(|(p, _)| *p)).await?;
        let pledges_due = crate::programme::pledges_due(db, user.id, &network_roots)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect();
        Ok(Some(Actor {
            user,
            organisation,
            roles,
            network,
            network_roots,
            csrf_token,
            pledges_due,
        }))
    }

    /// The same roles and organisation with no user of their own (nil id, no e-mail, no
    /// token): whom the sync feed builds a payload for when readers of one class share it
    /// (`sync::views`). A view built for it holds nothing of any one reader; their own
    /// fields are set afterwards (`sync::views::personalise`).
    pub fn as_reader_class(&self) -> Actor {
        let mut actor = self.clone();
        actor.user.id = Uuid::nil();
        actor.user.email = String::new();
        actor.user.display_name = String::new();
        actor.user.password_hash = String::new();
        actor.csrf_token = String::new();
        actor
    }

    /// Whether the user has accepted the pledge (guidelines §6): the built-in one once, and
    /// the current version of every network they work in that keeps its own.
    pub fn pledge_accepted(&self) -> bool {
        self.user.pledge_accepted_at.is_some() && self.pledges_due.is_empty()
    }

    pub fn roles_on(&self, platform_id: Uuid) -> Vec<Role> {
        let mut roles: Vec<Role> = self
            .roles
            .iter()
            .filter(|(p, _)| *p == platform_id)
            .map(|(_, r)| *r)
            .collect();
        roles.sort();
        roles.dedup();
        roles
    }

    pub fn can_invite_on(&self, platform_id: Uuid) -> bool {
        self.roles_on(platform_id).iter().any(|r| r.can_invite())
    }

    /// Platforms on which the user works as a member of the platform itself (any role
    /// but `responder`): a thread shared with such a platform is theirs to read.
    pub fn working_platforms(&self) -> Vec<Uuid> {
        let mut platforms: Vec<Uuid> = self
            .roles
            .iter()
            .filter(|(_, role)| *role != Role::Responder)
            .map(|(p, _)| *p)
            .collect();
        platforms.sort();
        platforms.dedup();
        platforms
    }

    /// Whether the actor may read this good practice: `Scope::practice_visible` for a row
    /// already in hand (a page of search results is read by id, then checked here, since a
    /// database planner may answer the condition by scanning every practice).
    pub fn may_read_practice(&self, row: &crate::entities::good_practice::Model) -> bool {
        row.deleted_at.is_none()
            && (self.working_platforms().contains(&row.platform_id)
                || (practice_shared(row) && self.network_roots.contains(&row.network_id)))
    }

    /// Whether the actor may read one version of a practice they may read: a version is
    /// read under the status and visibility it had then, so a reader of the published
    /// practice never sees the text it had as a draft or while kept to its platform.
    pub fn may_read_practice_version(
        &self,
        row: &crate::entities::good_practice::Model,
        then: &app::practices::PracticeContent,
    ) -> bool {
        let mut as_then = row.clone();
        as_then.status = then.status.as_str().into();
        as_then.visibility = then.visibility.as_str().into();
        self.may_read_practice(row) && self.may_read_practice(&as_then)
    }

    /// The keys this actor reads good practices under in the search index: the same rule
    /// as `Scope::practice_visible`, in the form of `practice_reader_keys`.
    pub fn practice_keys(&self) -> Vec<String> {
        self.working_platforms()
            .into_iter()
            .map(|p| format!("platform:{p}"))
            .chain(self.network_roots.iter().map(|n| format!("network:{n}")))
            .collect()
    }

    /// The platforms whose KPIs the actor runs: the secretariat (事務局) of a prefectural
    /// platform, i.e. a coordinator or administrator there (guidelines §3(1)②: the
    /// secretariat sets the KPIs and manages progress).
    pub fn kpi_secretariat_of(&self) -> Vec<Uuid> {
        let mut platforms: Vec<Uuid> = self
            .roles
            .iter()
            .filter(|(p, r)| {
                matches!(r, Role::Coordinator | Role::Admin) && self.network_roots.contains(p)
            })
            .map(|(p, _)| *p)
            .collect();
        platforms.sort();
        platforms.dedup();
        platforms
    }

    /// The platforms whose meetings the actor runs (協議の場, guidelines §5): each platform,
    /// prefectural or municipal, where they are a coordinator or administrator — its
    /// secretariat (事務局).
    pub fn meeting_secretariat_of(&self) -> Vec<Uuid> {
        let mut platforms: Vec<Uuid> = self
            .roles
            .iter()
            .filter(|(_, r)| r.can_invite())
            .map(|(p, _)| *p)
            .collect();
        platforms.sort();
        platforms.dedup();
        platforms
    }

    /// Whether the actor may read this KPI: its secretariat always (drafts too), every
    /// member of its network once published. `Scope::kpi_visible` is the same rule for
    /// the database.
    pub fn may_read_kpi(&self, row: &crate::entities::kpi::Model) -> bool {
        row.deleted_at.is_none()
            && (self.kpi_secretariat_of().contains(&row.platform_id)
                || (row.status == app::kpis::KpiStatus::Published.as_str()
                    && self.network_roots.contains(&row.platform_id)))
    }

    /// Whether the actor may read one share of a KPI they may read: a published share,
    /// or any share when they are its secretariat or of the organisation it is for
    /// (guidelines §6: unpublished figures stay with those who report and collect them).
    pub fn may_read_kpi_actual(
        &self,
        kpi: &crate::entities::kpi::Model,
        actual: &crate::entities::kpi_actual::Model,
    ) -> bool {
        self.may_read_kpi(kpi)
            && (actual.published_at.is_some()
                || actual.organisation_id == self.organisation.id
                || self.kpi_secretariat_of().contains(&kpi.platform_id))
    }

    /// The platforms whose inquiries (照会) the actor sends and manages: those where they
    /// are a coordinator or administrator, i.e. its secretariat (guidelines §3(1)③, §4(4):
    /// the secretariat gathers figures and answers from the members; any platform may
    /// ask its own members).
    pub fn inquiry_sender_of(&self) -> Vec<Uuid> {
        let mut platforms: Vec<Uuid> = self
            .roles
            .iter()
            .filter(|(_, r)| matches!(r, Role::Coordinator | Role::Admin))
            .map(|(p, _)| *p)
            .collect();
        platforms.sort();
        platforms.dedup();
        platforms
    }

    pub fn scope<'a>(&'a self, db: &'a DatabaseConnection) -> Scope<'a> {
        Scope { actor: self, db }
    }
}

/// The prefectural networks of these platforms: their roots, and each root with all its
/// municipal platforms.
pub async fn network_of(
    db: &impl sea_orm::ConnectionTrait,
    platform_ids: impl Iterator<Item = Uuid>,
) -> Result<(BTreeSet<Uuid>, BTreeSet<Uuid>), sea_orm::DbErr> {
    let ids: Vec<Uuid> = platform_ids.collect();
    if ids.is_empty() {
        return Ok((BTreeSet::new(), BTreeSet::new()));
    }
    let own = platform::Entity::find()
        .filter(platform::Column::Id.is_in(ids))
        .all(db)
        .await?;
    let roots: BTreeSet<Uuid> = own.iter().map(|p| p.parent_id.unwrap_or(p.id)).collect();
    let members = platform::Entity::find()
        .filter(
            Condition::any()
                .add(platform::Column::Id.is_in(roots.iter().copied()))
                .add(platform::Column::ParentId.is_in(roots.iter().copied())),
        )
        .all(db)
        .await?;
    Ok((roots, members.into_iter().map(|p| p.id).collect()))
}

/// Tenant data as one actor may see it.
pub struct Scope<'a> {
    actor: &'a Actor,
    db: &'a DatabaseConnection,
}

pub fn platform_view(row: platform::Model) -> Platform {
    Platform {
        id: row.id,
        slug: row.slug,
        name: row.name,
        kind: PlatformKind::parse(&row.kind).unwrap_or(PlatformKind::Municipal),
        parent_id: row.parent_id,
    }
}

pub fn organisation_view(row: organisation::Model) -> Organisation {
    Organisation {
        id: row.id,
        name: row.name,
        category: MemberCategory::parse(&row.category).unwrap_or(MemberCategory::Government),
        parent_id: row.parent_id,
    }
}

impl Scope<'_> {
    /// The platforms of the actor's networks, prefectural first, then by name.
    pub async fn platforms(&self) -> ApiResult<Vec<Platform>> {
        let mut rows: Vec<Platform> = platform::Entity::find()
            .filter(platform::Column::Id.is_in(self.actor.network.iter().copied()))
            .order_by_asc(platform::Column::Slug)
            .all(self.db)
            .await?
            .into_iter()
            .map(platform_view)
            .collect();
        rows.sort_by_key(|p| (p.kind != PlatformKind::Prefectural, p.parent_id.is_some()));
        Ok(rows)
    }

    /// The platforms the actor holds a role on, with those roles.
    pub async fn my_platforms(&self) -> ApiResult<Vec<MyPlatform>> {
        let mine: BTreeSet<Uuid> = self.actor.roles.iter().map(|(p, _)| *p).collect();
        Ok(self
            .platforms()
            .await?
            .into_iter()
            .filter(|p| mine.contains(&p.id))
            .map(|p| MyPlatform {
                roles: self.actor.roles_on(p.id),
                id: p.id,
                slug: p.slug,
                name: p.name,
                kind: p.kind,
                parent_id: p.parent_id,
            })
            .collect())
    }

    pub async fn platform(&self, id: Uuid) -> ApiResult<Platform> {
        if !self.actor.network.contains(&id) {
            return Err(ApiError::NotFound);
        }
        platform::Entity::find_by_id(id)
            .one(self.db)
            .await?
            .map(platform_view)
            .ok_or(ApiError::NotFound)
    }

    pub async fn platform_by_slug(&self, slug: &str) -> ApiResult<Platform> {
        let row = platform::Entity::find()
            .filter(platform::Column::Slug.eq(slug))
            .one(self.db)
            .await?
            .ok_or(ApiError::NotFound)?;
        self.platform(row.id).await
    }

    /// A platform's member list: 構成員 and オブザーバー, in the order the guidelines list them.
    pub async fn members(&self, platform_id: Uuid) -> ApiResult<Vec<Member>> {
        self.platform(platform_id).await?;
        let rows = membership::Entity::find()
            .filter(membership::Column::PlatformId.eq(platform_id))
            .find_also_related(organisation::Entity)
            .order_by_asc(membership::Column::Position)
            .all(self.db)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(m, org)| {
                let org = org?;
                Some(Member {
                    id: m.id,
                    platform_id: m.platform_id,
                    organisation_id: org.id,
                    organisation_name: org.name,
                    category: MemberCategory::parse(&org.category)?,
                    standing: Standing::parse(&m.standing)?,
                    secretariat_role: m
                        .secretariat_role
                        .as_deref()
                        .and_then(SecretariatRole::parse),
                    position: m.position,
                })
            })
            .collect())
    }

    /// One membership, if its platform is visible.
    pub async fn membership(&self, id: Uuid) -> ApiResult<Member> {
        let row = membership::Entity::find_by_id(id)
            .one(self.db)
            .await?
            .ok_or(ApiError::NotFound)?;
        self.members(row.platform_id)
            .await?
            .into_iter()
            .find(|m| m.id == id)
            .ok_or(ApiError::NotFound)
    }

    /// The organisations with a membership anywhere in the actor's networks.
    pub async fn organisations(&self) -> ApiResult<Vec<Organisation>> {
        let ids: BTreeSet<Uuid> = membership::Entity::find()
            .filter(membership::Column::PlatformId.is_in(self.actor.network.iter().copied()))
            .all(self.db)
            .await?
            .into_iter()
            .map(|m| m.organisation_id)
            .collect();
        Ok(organisation::Entity::find()
            .filter(organisation::Column::Id.is_in(ids))
            .order_by_asc(organisation::Column::Name)
            .all(self.db)
            .await?
            .into_iter()
            .map(organisation_view)
            .collect())
    }

    /// The liaison threads the actor takes part in: through a participant platform they
    /// work on (not as a responder), or through their organisation. Removed participants
    /// do not count.
    pub fn thread_ids_visible(&self) -> sea_orm::sea_query::SelectStatement {
        use crate::entities::thread_participant as tp;
        sea_orm::sea_query::Query::select()
            .column(tp::Column::ThreadId)
            .from(tp::Entity)
            .cond_where(
                Condition::all().add(tp::Column::RemovedAt.is_null()).add(
                    Condition::any()
                        .add(tp::Column::PlatformId.is_in(self.actor.working_platforms()))
                        .add(tp::Column::OrganisationId.eq(self.actor.organisation.id)),
                ),
            )
            .to_owned()
    }

    /// One liaison thread, if the actor takes part in it; anyone else gets 404.
    pub async fn thread(&self, id: Uuid) -> ApiResult<crate::entities::liaison_thread::Model> {
        use crate::entities::liaison_thread as lt;
        lt::Entity::find_by_id(id)
            .filter(lt::Column::Id.in_subquery(self.thread_ids_visible()))
            .one(self.db)
            .await?
            .ok_or(ApiError::NotFound)
    }

    /// The outreach requests the actor may see: their platform's (working on the
    /// requesting platform, not as a responder), every one of their prefectural network
    /// when they work on its prefectural platform (the secretariat), and those routed to
    /// their organisation.
    pub fn outreach_ids_visible(&self) -> sea_orm::sea_query::SelectStatement {
        use crate::entities::{outreach_recipient as ot, outreach_request as or};
        let working = self.actor.working_platforms();
        let routed = sea_orm::sea_query::Query::select()
            .column(ot::Column::RequestId)
            .from(ot::Entity)
            .and_where(ot::Column::OrganisationId.eq(self.actor.organisation.id))
            .to_owned();
        sea_orm::sea_query::Query::select()
            .column(or::Column::Id)
            .from(or::Entity)
            .cond_where(
                Condition::any()
                    .add(or::Column::PlatformId.is_in(working.clone()))
                    .add(or::Column::NetworkId.is_in(working))
                    .add(or::Column::Id.in_subquery(routed)),
            )
            .to_owned()
    }

    /// One outreach request, if the actor may see it; anyone else gets 404.
    pub async fn outreach_request(
        &self,
        id: Uuid,
    ) -> ApiResult<crate::entities::outreach_request::Model> {
        use crate::entities::outreach_request as or;
        or::Entity::find_by_id(id)
            .filter(or::Column::Id.in_subquery(self.outreach_ids_visible()))
            .one(self.db)
            .await?
            .ok_or(ApiError::NotFound)
    }

    /// The good practices the actor may read: every one of the platforms they work on
    /// (drafts too), and the published practices shared with their networks. A condition
    /// on the row itself, so a read of a few practices checks those rows only (an `IN`
    /// subquery would scan every practice's row, bodies and all).
    pub fn practice_visible(&self) -> Condition {
        use crate::entities::good_practice as gp;
        use app::practices::{PracticeStatus, PracticeVisibility};
        Condition::all().add(gp::Column::DeletedAt.is_null()).add(
            Condition::any()
                .add(gp::Column::PlatformId.is_in(self.actor.working_platforms()))
                .add(
                    Condition::all()
                        .add(gp::Column::Status.eq(PracticeStatus::Published.as_str()))
                        .add(gp::Column::Visibility.is_in([
                            PracticeVisibility::Network.as_str(),
                            PracticeVisibility::Public.as_str(),
                        ]))
                        .add(gp::Column::NetworkId.is_in(self.actor.network_roots.iter().copied())),
                ),
        )
    }

    /// One good practice, if the actor may read it; anyone else gets 404.
    pub async fn practice(&self, id: Uuid) -> ApiResult<crate::entities::good_practice::Model> {
        use crate::entities::good_practice as gp;
        gp::Entity::find_by_id(id)
            .filter(self.practice_visible())
            .one(self.db)
            .await?
            .ok_or(ApiError::NotFound)
    }

    /// The KPIs the actor may read (`Actor::may_read_kpi` as a condition on the row).
    pub fn kpi_visible(&self) -> Condition {
        use crate::entities::kpi;
        Condition::all().add(kpi::Column::DeletedAt.is_null()).add(
            Condition::any()
                .add(kpi::Column::PlatformId.is_in(self.actor.kpi_secretariat_of()))
                .add(
                    Condition::all()
                        .add(kpi::Column::Status.eq(app::kpis::KpiStatus::Published.as_str()))
                        .add(
                            kpi::Column::PlatformId.is_in(self.actor.network_roots.iter().copied()),
                        ),
                ),
        )
    }

    /// One KPI, if the actor may read it; anyone else gets 404.
    pub async fn kpi(&self, id: Uuid) -> ApiResult<crate::entities::kpi::Model> {
        use crate::entities::kpi;
        kpi::Entity::find_by_id(id)
            .filter(self.kpi_visible())
            .one(self.db)
            .await?
            .ok_or(ApiError::NotFound)
    }

    /// The implementation plans the actor may read: every plan of a prefectural platform
    /// whose secretariat they are (a working copy never published too), and a published
    /// one (revision ≥ 1) of their network. What of it they read (the working copy or the
    /// latest revision) is `crate::plans`' view, by `Actor::kpi_secretariat_of`.
    pub fn plan_visible(&self) -> Condition {
        use crate::entities::implementation_plan as plan;
        Condition::all().add(plan::Column::DeletedAt.is_null()).add(
            Condition::any()
                .add(plan::Column::PlatformId.is_in(self.actor.kpi_secretariat_of()))
                .add(
                    Condition::all().add(plan::Column::Revision.gt(0)).add(
                        plan::Column::PlatformId.is_in(self.actor.network_roots.iter().copied()),
                    ),
                ),
        )
    }

    /// One plan, if the actor may read it; anyone else gets 404.
    pub async fn plan(&self, id: Uuid) -> ApiResult<crate::entities::implementation_plan::Model> {
        use crate::entities::implementation_plan as plan;
        plan::Entity::find_by_id(id)
            .filter(self.plan_visible())
            .one(self.db)
            .await?
            .ok_or(ApiError::NotFound)
    }

    /// The inquiries the actor may read: every inquiry of a platform whose secretariat
    /// they are (drafts too), and a sent or withdrawn one that asks their organisation.
    /// What of it they see (every answer, or their organisation's own) is
    /// `crate::inquiries`' view, by `Actor::inquiry_sender_of`.
    pub fn inquiry_visible(&self) -> Condition {
        use crate::entities::{inquiry, inquiry_addressee as ia};
        let asked = sea_orm::sea_query::Query::select()
            .column(ia::Column::InquiryId)
            .from(ia::Entity)
            .and_where(ia::Column::OrganisationId.eq(self.actor.organisation.id))
            .to_owned();
        Condition::all()
            .add(inquiry::Column::DeletedAt.is_null())
            .add(
                Condition::any()
                    .add(inquiry::Column::PlatformId.is_in(self.actor.inquiry_sender_of()))
                    .add(
                        Condition::all()
                            .add(
                                inquiry::Column::Status
                                    .ne(app::inquiries::InquiryStatus::Draft.as_str()),
                            )
                            .add(inquiry::Column::Id.in_subquery(asked)),
                    ),
            )
    }

    /// The ids of the inquiries the actor may read, as a subquery (notifications).
    pub fn inquiry_ids_visible(&self) -> sea_orm::sea_query::SelectStatement {
        use crate::entities::inquiry;
        sea_orm::sea_query::Query::select()
            .column(inquiry::Column::Id)
            .from(inquiry::Entity)
            .cond_where(self.inquiry_visible())
            .to_owned()
    }

    /// One inquiry, if the actor may read it; anyone else gets 404.
    pub async fn inquiry(&self, id: Uuid) -> ApiResult<crate::entities::inquiry::Model> {
        use crate::entities::inquiry;
        inquiry::Entity::find_by_id(id)
            .filter(self.inquiry_visible())
            .one(self.db)
            .await?
            .ok_or(ApiError::NotFound)
    }

    /// The policy proposals the actor may read: every proposal to a prefectural platform
    /// whose secretariat they are, their own organisation's to their networks, and one of
    /// their networks whose answer the secretariat published. What of it they see (the
    /// secretariat's note or not) is `crate::proposals`' view.
    pub fn proposal_visible(&self) -> Condition {
        use crate::entities::policy_proposal as proposal;
        let roots = || self.actor.network_roots.iter().copied();
        Condition::any()
            .add(proposal::Column::PlatformId.is_in(self.actor.kpi_secretariat_of()))
            .add(
                Condition::all()
                    .add(proposal::Column::OrganisationId.eq(self.actor.organisation.id))
                    .add(proposal::Column::PlatformId.is_in(roots())),
            )
            .add(
                Condition::all()
                    .add(proposal::Column::AnswerPublished.eq(true))
                    .add(proposal::Column::PlatformId.is_in(roots())),
            )
    }

    /// The ids of the proposals the actor may read, as a subquery (notifications).
    pub fn proposal_ids_visible(&self) -> sea_orm::sea_query::SelectStatement {
        use crate::entities::policy_proposal as proposal;
        sea_orm::sea_query::Query::select()
            .column(proposal::Column::Id)
            .from(proposal::Entity)
            .cond_where(self.proposal_visible())
            .to_owned()
    }

    /// One proposal, if the actor may read it; anyone else gets 404.
    pub async fn proposal(&self, id: Uuid) -> ApiResult<crate::entities::policy_proposal::Model> {
        use crate::entities::policy_proposal as proposal;
        proposal::Entity::find_by_id(id)
            .filter(self.proposal_visible())
            .one(self.db)
            .await?
            .ok_or(ApiError::NotFound)
    }

    /// The meetings the actor may read: those of a platform they work on (its secretariat
    /// and members, any role but responder), and those of their networks to which their
    /// organisation is invited. What they may do with it is `crate::meetings`' view.
    pub fn meeting_visible(&self) -> Condition {
        use crate::entities::{meeting, meeting_invitation as invitation};
        let invited = sea_orm::sea_query::Query::select()
            .column(invitation::Column::MeetingId)
            .from(invitation::Entity)
            .and_where(invitation::Column::OrganisationId.eq(self.actor.organisation.id))
            .to_owned();
        Condition::any()
            .add(meeting::Column::PlatformId.is_in(self.actor.working_platforms()))
            .add(
                Condition::all()
                    .add(meeting::Column::Id.in_subquery(invited))
                    .add(meeting::Column::PlatformId.is_in(self.actor.network.iter().copied())),
            )
    }

    /// The ids of the meetings the actor may read, as a subquery (notifications).
    pub fn meeting_ids_visible(&self) -> sea_orm::sea_query::SelectStatement {
        use crate::entities::meeting;
        sea_orm::sea_query::Query::select()
            .column(meeting::Column::Id)
            .from(meeting::Entity)
            .cond_where(self.meeting_visible())
            .to_owned()
    }

    /// One meeting, if the actor may read it; anyone else gets 404.
    pub async fn meeting(&self, id: Uuid) -> ApiResult<crate::entities::meeting::Model> {
        use crate::entities::meeting;
        meeting::Entity::find_by_id(id)
            .filter(self.meeting_visible())
            .one(self.db)
            .await?
            .ok_or(ApiError::NotFound)
    }

    /// The platforms whose meeting count (guidelines §5) the actor may see: those they
    /// work on, and for the secretariat of a prefectural platform every municipal
    /// platform of its network too. A count, never the meetings themselves.
    pub async fn meeting_compliance_platforms(&self) -> ApiResult<Vec<platform::Model>> {
        let secretariat = self.actor.kpi_secretariat_of();
        let rows = platform::Entity::find()
            .filter(
                Condition::any()
                    .add(platform::Column::Id.is_in(self.actor.working_platforms()))
                    .add(platform::Column::Id.is_in(secretariat.iter().copied()))
                    .add(platform::Column::ParentId.is_in(secretariat)),
            )
            .order_by_asc(platform::Column::Kind)
            .order_by_asc(platform::Column::Name)
            .all(self.db)
            .await?;
        Ok(rows)
    }

    /// A platform the actor may run (invite into): 404 when they may not see it, 403
    /// when they see it but hold no coordinator role there.
    pub async fn platform_to_manage(&self, platform_id: Uuid) -> ApiResult<Platform> {
        let platform = self.platform(platform_id).await?;
        if !self.actor.can_invite_on(platform_id) {
            return Err(ApiError::Forbidden);
        }
        Ok(platform)
    }
}

/// The keys a good practice is readable under in the search index: its author platform
/// always (drafts too), and its prefectural network once it is published to the network
/// or the public; none once deleted. `Scope::practice_visible` is the same rule for the
/// database and `Actor::may_read_practice` for a row in hand; the tests below and the
/// index agreement test hold the three together.
pub fn practice_reader_keys(row: &crate::entities::good_practice::Model) -> Vec<String> {
    if row.deleted_at.is_some() {
        return Vec::new();
    }
    let mut keys = vec![format!("platform:{}", row.platform_id)];
    if practice_shared(row) {
        keys.push(format!("network:{}", row.network_id));
    }
    keys
}

/// `app::practices::shared_beyond_platform` for a stored practice.
pub fn practice_shared(row: &crate::entities::good_practice::Model) -> bool {
    use app::practices::{shared_beyond_platform, PracticeStatus, PracticeVisibility};
    PracticeStatus::parse(&row.status)
        .zip(PracticeVisibility::parse(&row.visibility))
        .is_some_and(|(status, visibility)| shared_beyond_platform(status, visibility))
}

#[cfg(test)]
pub(crate) mod tests {
    //! `Actor::may_read_practice` (a row in hand), `practice_reader_keys` ∩
    //! `Actor::practice_keys` (the search index) and `Scope::practice_visible` (the
    //! database, held to the others by `practices::index` agreement test) are one rule.

    use super::*;
    use crate::entities::good_practice;
    use app::practices::{PracticeStatus, PracticeVisibility};
    use chrono::Utc;

    /// An actor built in memory: `roles` on platforms of the networks `roots` (the
    /// network sets are derived as `network_of` would from `parents`).
    pub(crate) fn actor(roles: &[(Uuid, Role)], parents: &[(Uuid, Option<Uuid>)]) -> Actor {
        let organisation = organisation::Model {
            id: Uuid::new_v4(),
            name: "テスト団体".into(),
            category: "municipal".into(),
            parent_id: None,
            created_at: Utc::now(),
            local_government_code: None,
        };
        let user = user::Model {
            id: Uuid::new_v4(),
            organisation_id: organisation.id,
            email: format!("{}@example.jp", Uuid::new_v4()),
            display_name: "テスト".into(),
            password_hash: String::new(),
            pledge_accepted_at: Some(Utc::now()),
            disabled_at: None,
            created_at: Utc::now(),
        };
        let root_of = |p: Uuid| {
            parents
                .iter()
                .find(|(id, _)| *id == p)
                .and_then(|(_, parent)| *parent)
                .unwrap_or(p)
        };
        let network_roots: BTreeSet<Uuid> = roles.iter().map(|(p, _)| root_of(*p)).collect();
        let network: BTreeSet<Uuid> = parents
            .iter()
            .map(|(id, _)| *id)
            .filter(|id| network_roots.contains(&root_of(*id)))
            .collect();
        Actor {
            user,
            organisation,
            roles: roles.to_vec(),
            network,
            network_roots,
            csrf_token: String::new(),
            pledges_due: Vec::new(),
        }
    }

    /// A practice row with the given author platform, network, status and visibility.
    pub(crate) fn practice(
        platform_id: Uuid,
        network_id: Uuid,
        status: PracticeStatus,
        visibility: PracticeVisibility,
        deleted: bool,
    ) -> good_practice::Model {
        let now = Utc::now();
        good_practice::Model {
            id: Uuid::new_v4(),
            platform_id,
            network_id,
            created_by: Uuid::new_v4(),
            title: "就労体験".into(),
            summary: String::new(),
            body: String::new(),
            target_groups: "[]".into(),
            tags: "[]".into(),
            area: String::new(),
            period: String::new(),
            results: "[]".into(),
            contact_organisation_id: None,
            visibility: visibility.as_str().into(),
            status: status.as_str().into(),
            featured_at: None,
            version: 1,
            created_at: now,
            updated_at: now,
            deleted_at: deleted.then_some(now),
        }
    }

    #[test]
    fn may_read_practice_agrees_with_the_index_keys() {
        let (root_a, muni_a1, muni_a2) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let (root_b, muni_b1) = (Uuid::new_v4(), Uuid::new_v4());
        let parents = [
            (root_a, None),
            (muni_a1, Some(root_a)),
            (muni_a2, Some(root_a)),
            (root_b, None),
            (muni_b1, Some(root_b)),
        ];
        let actors = [
            ("own platform", actor(&[(muni_a1, Role::Staff)], &parents)),
            (
                "own coordinator",
                actor(&[(muni_a1, Role::Coordinator)], &parents),
            ),
            (
                "another municipality",
                actor(&[(muni_a2, Role::Staff)], &parents),
            ),
            (
                "secretariat",
                actor(&[(root_a, Role::Coordinator)], &parents),
            ),
            (
                "economic organisation",
                actor(&[(root_a, Role::Responder)], &parents),
            ),
            ("observer", actor(&[(muni_a1, Role::Observer)], &parents)),
            (
                "another network",
                actor(&[(muni_b1, Role::Staff)], &parents),
            ),
            ("no role", actor(&[], &parents)),
        ];
        let mut cases = 0;
        for (platform, network) in [(muni_a1, root_a), (root_a, root_a), (muni_b1, root_b)] {
            for status in [PracticeStatus::Draft, PracticeStatus::Published] {
                for visibility in [
                    PracticeVisibility::Platform,
                    PracticeVisibility::Network,
                    PracticeVisibility::Public,
                ] {
                    for deleted in [false, true] {
                        let row = practice(platform, network, status, visibility, deleted);
                        let readers = practice_reader_keys(&row);
                        for (who, actor) in &actors {
                            let by_keys = actor.practice_keys().iter().any(|k| readers.contains(k));
                            assert_eq!(
                                actor.may_read_practice(&row),
                                by_keys,
                                "{who} on a {status:?} {visibility:?} practice \
                                 (deleted: {deleted}) of {platform}"
                            );
                            cases += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(cases, 3 * 2 * 3 * 2 * actors.len());
        // The rule itself, for the founding cases.
        let own = &actors[0].1;
        let other = &actors[2].1;
        let draft = practice(
            muni_a1,
            root_a,
            PracticeStatus::Draft,
            PracticeVisibility::Network,
            false,
        );
        assert!(own.may_read_practice(&draft) && !other.may_read_practice(&draft));
        let shared = practice(
            muni_a1,
            root_a,
            PracticeStatus::Published,
            PracticeVisibility::Network,
            false,
        );
        assert!(other.may_read_practice(&shared));
        assert!(!actors[6].1.may_read_practice(&shared));
    }

    #[test]
    fn a_version_is_read_as_it_was_shared_then() {
        use app::practices::PracticeContent;
        let (root, own, other) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let parents = [(root, None), (own, Some(root)), (other, Some(root))];
        let author = actor(&[(own, Role::Staff)], &parents);
        let reader = actor(&[(other, Role::Staff)], &parents);
        let row = practice(
            own,
            root,
            PracticeStatus::Published,
            PracticeVisibility::Network,
            false,
        );
        let then = |status, visibility| PracticeContent {
            title: "t".into(),
            summary: String::new(),
            body: String::new(),
            target_groups: Vec::new(),
            tags: Vec::new(),
            area: String::new(),
            period: String::new(),
            results: Vec::new(),
            contact_organisation_id: None,
            visibility,
            status,
        };
        for (status, visibility, shared) in [
            (PracticeStatus::Draft, PracticeVisibility::Network, false),
            (
                PracticeStatus::Published,
                PracticeVisibility::Platform,
                false,
            ),
            (PracticeStatus::Published, PracticeVisibility::Network, true),
            (PracticeStatus::Published, PracticeVisibility::Public, true),
        ] {
            let version = then(status, visibility);
            assert!(author.may_read_practice_version(&row, &version));
            assert_eq!(
                reader.may_read_practice_version(&row, &version),
                shared,
                "{status:?} {visibility:?}"
            );
        }
        // Nothing of a practice the reader may not read now, whatever it was then.
        let narrowed = practice(
            own,
            root,
            PracticeStatus::Published,
            PracticeVisibility::Platform,
            false,
        );
        let version = then(PracticeStatus::Published, PracticeVisibility::Network);
        assert!(!reader.may_read_practice_version(&narrowed, &version));
    }
}
