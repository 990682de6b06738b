//! `kakehashi seed --demo`: the Aomori platform exactly as its establishment guidelines
//! list it (別紙1 and the observers of §2, the secretariat of §3), three municipal
//! platforms, and demo users. Demo users exist only through this command.

pub mod activity;
mod council;
mod meetings;
mod plan;
mod proposals;

use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait, TransactionTrait};

use app::domain::{MemberCategory, PlatformKind, Role, SecretariatRole, Standing};

use crate::accounts::password;
use crate::admin::{self, AdminError};
use crate::entities::platform;

pub const DEMO_PASSWORD: &str = "kakehashi-demo";

/// The demo sign-ins, as the README lists them: (email, display name, organisation,
/// roles as (platform slug, role)).
/// (email, display name, organisation, roles as (platform slug, role)).
pub type DemoUser = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, Role)],
);

pub const DEMO_USERS: &[DemoUser] = &[
    (
        "coordinator@aomori.example",
        "青森労働局 事務局（主担当）",
        "青森労働局",
        &[("aomori", Role::Coordinator)],
    ),
    (
        "shoko-rodo@aomori.example",
        "青森県商工労働部 事務局（副担当）",
        "青森県 商工労働部",
        &[("aomori", Role::Coordinator)],
    ),
    (
        "kenko-fukushi@aomori.example",
        "青森県健康福祉部 市町村連携担当",
        "青森県 健康福祉部",
        &[
            ("aomori", Role::Staff),
            ("aomori-city", Role::Staff),
            ("hachinohe", Role::Staff),
            ("hirosaki", Role::Staff),
        ],
    ),
    (
        "aomori-city@aomori.example",
        "青森市 福祉と就労の担当",
        "青森市",
        &[("aomori-city", Role::Staff)],
    ),
    (
        "hachinohe@aomori.example",
        "八戸市 福祉と就労の担当",
        "八戸市",
        &[("hachinohe", Role::Staff)],
    ),
    (
        "hirosaki@aomori.example",
        "弘前市 福祉と就労の担当",
        "弘前市",
        &[("hirosaki", Role::Staff)],
    ),
    (
        "keieisha@aomori.example",
        "青森県経営者協会 回答担当",
        "一般社団法人 青森県経営者協会",
        &[("aomori", Role::Responder)],
    ),
    (
        "shokokai@aomori.example",
        "青森県商工会連合会 回答担当",
        "青森県商工会連合会",
        &[("aomori", Role::Responder)],
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("the database already has data; the demo data is loaded only into an empty database")]
    NotEmpty,
    #[error(transparent)]
    Admin(#[from] AdminError),
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("password hashing: {0}")]
    Hash(String),
}

pub async fn is_empty(db: &DatabaseConnection) -> Result<bool, sea_orm::DbErr> {
    Ok(platform::Entity::find().count(db).await? == 0)
}

/// (name, category, parent organisation, standing, secretariat role), in the order of
/// the guidelines' member table.
type DemoMember = (
    &'static str,
    MemberCategory,
    Option<&'static str>,
    Standing,
    Option<SecretariatRole>,
);

const AOMORI_MEMBERS: &[DemoMember] = &[
    (
        "一般社団法人 青森県経営者協会",
        MemberCategory::Economic,
        None,
        Standing::Member,
        None,
    ),
    (
        "青森県商工会議所連合会",
        MemberCategory::Economic,
        None,
        Standing::Member,
        None,
    ),
    (
        "青森県中小企業団体中央会",
        MemberCategory::Economic,
        None,
        Standing::Member,
        None,
    ),
    (
        "青森県商工会連合会",
        MemberCategory::Economic,
        None,
        Standing::Member,
        None,
    ),
    (
        "日本労働組合総連合会青森県連合会",
        MemberCategory::Labour,
        None,
        Standing::Member,
        None,
    ),
    (
        "独立行政法人 高齢・障害・求職者雇用支援機構青森支部",
        MemberCategory::Support,
        None,
        Standing::Member,
        None,
    ),
    (
        "社会福祉法人 青森県社会福祉協議会",
        MemberCategory::Support,
        None,
        Standing::Member,
        None,
    ),
    (
        "青森県市長会",
        MemberCategory::Municipal,
        None,
        Standing::Member,
        None,
    ),
    (
        "青森県町村会",
        MemberCategory::Municipal,
        None,
        Standing::Member,
        None,
    ),
    (
        "東北経済産業局",
        MemberCategory::Government,
        None,
        Standing::Member,
        None,
    ),
    (
        "青森労働局",
        MemberCategory::Government,
        None,
        Standing::Member,
        Some(SecretariatRole::Lead),
    ),
    (
        "青森県",
        MemberCategory::Government,
        None,
        Standing::Member,
        None,
    ),
    (
        "青森県 商工労働部",
        MemberCategory::Government,
        Some("青森県"),
        Standing::Member,
        Some(SecretariatRole::Deputy),
    ),
    (
        "青森県 健康福祉部",
        MemberCategory::Government,
        Some("青森県"),
        Standing::Member,
        None,
    ),
    (
        "青森市",
        MemberCategory::Government,
        None,
        Standing::Observer,
        None,
    ),
    (
        "八戸市",
        MemberCategory::Government,
        None,
        Standing::Observer,
        None,
    ),
    (
        "弘前市",
        MemberCategory::Government,
        None,
        Standing::Observer,
        None,
    ),
];

/// (slug, name, city that runs its secretariat).
const MUNICIPAL_PLATFORMS: &[(&str, &str, &str)] = &[
    (
        "aomori-city",
        "青森市 就職氷河期世代活躍支援プラットフォーム",
        "青森市",
    ),
    (
        "hachinohe",
        "八戸市 就職氷河期世代活躍支援プラットフォーム",
        "八戸市",
    ),
    (
        "hirosaki",
        "弘前市 就職氷河期世代活躍支援プラットフォーム",
        "弘前市",
    ),
];

pub async fn demo(db: &DatabaseConnection) -> Result<(), SeedError> {
    if !is_empty(db).await? {
        return Err(SeedError::NotEmpty);
    }
    // One hash for every demo user: they share the published demo password anyway, and
    // argon2 is deliberately slow.
    let hash = tokio::task::spawn_blocking(|| password::hash(DEMO_PASSWORD))
        .await
        .map_err(|e| SeedError::Hash(e.to_string()))?
        .map_err(SeedError::Hash)?;

    let txn = db.begin().await?;
    let aomori = admin::add_platform(
        &txn,
        "aomori",
        "あおもり就職氷河期世代活躍支援プラットフォーム",
        PlatformKind::Prefectural,
        None,
    )
    .await?;
    for (position, (name, category, parent, standing, secretariat)) in
        AOMORI_MEMBERS.iter().enumerate()
    {
        let parent_id = match parent {
            Some(parent) => Some(admin::organisation_by_name(&txn, parent).await?.id),
            None => None,
        };
        let organisation = admin::add_organisation(&txn, name, *category, parent_id).await?;
        admin::add_membership(
            &txn,
            aomori.id,
            organisation.id,
            *standing,
            *secretariat,
            position as i32,
        )
        .await?;
    }
    // 全国地方公共団体コード of the prefecture (its departments share it) and the cities,
    // by which exports order their rows.
    for (name, code) in [
        ("青森県", "020001"),
        ("青森県 商工労働部", "020001"),
        ("青森県 健康福祉部", "020001"),
        ("青森市", "022012"),
        ("弘前市", "022021"),
        ("八戸市", "022039"),
    ] {
        let organisation = admin::organisation_by_name(&txn, name).await?;
        admin::set_local_government_code(&txn, organisation.id, code).await?;
    }
    let liaison = admin::organisation_by_name(&txn, "青森県 健康福祉部").await?;
    for (slug, name, city) in MUNICIPAL_PLATFORMS {
        let platform =
            admin::add_platform(&txn, slug, name, PlatformKind::Municipal, Some("aomori")).await?;
        let city = admin::organisation_by_name(&txn, city).await?;
        admin::add_membership(
            &txn,
            platform.id,
            city.id,
            Standing::Member,
            Some(SecretariatRole::Lead),
            0,
        )
        .await?;
        // §3(1)③: the prefecture's health and welfare department liaises with each
        // municipal platform.
        admin::add_membership(&txn, platform.id, liaison.id, Standing::Member, None, 1).await?;
    }
    for (email, display_name, organisation, roles) in DEMO_USERS {
        let organisation = admin::organisation_by_name(&txn, organisation).await?;
        let user = admin::add_user(&txn, email, display_name, organisation.id, &hash).await?;
        for (slug, role) in *roles {
            let platform = admin::platform_by_slug(&txn, slug).await?;
            admin::grant_role(&txn, user.id, platform.id, *role).await?;
        }
    }
    // The network's programme and its own pledge are data (issue 17): the Aomori
    // guidelines' 6「秘密の保持」 is the first version.
    let coordinator = admin::user_by_email(&txn, "coordinator@aomori.example").await?;
    crate::programme::set_up_network(
        &txn,
        &aomori,
        &app::programme::NetworkProgramme {
            network_id: aomori.id,
            programme_name: "就職氷河期世代活躍支援".into(),
            target_age_min: Some(35),
            target_age_max: Some(54),
        },
        AOMORI_PLEDGE_INTRO,
        &AOMORI_PLEDGE_CLAUSES,
        coordinator.id,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The pledge of the Aomori guidelines (6「秘密の保持」), the demo network's first version.
const AOMORI_PLEDGE_INTRO: &str = "あおもり就職氷河期世代活躍支援プラットフォーム設置要領 6「秘密の保持」に基づき、利用を始める前に次の事項に同意してください。";
const AOMORI_PLEDGE_CLAUSES: [&str; 3] = [
    "プラットフォームの構成員及び協議の場に参加した者として、職務上知り得た秘密を漏らしません。",
    "支援対象者の個人情報（氏名、連絡先、マイナンバー、住所など）を入力しません。",
    "閲覧・操作の記録が監査のために保存されることを理解しています。",
];
