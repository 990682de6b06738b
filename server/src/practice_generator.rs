//! Generated good practices (好事例) for measuring the library's search at scale
//! (`kakehashi seed --practices N`, `scripts/bench-search.sh`).
//!
//! The texts read like the reports municipal platforms write about employment support for
//! the 就職氷河期 generation in Aomori: a title naming the place, partner and activity, a
//! short summary, and a Markdown body with 背景 / 取り組み / 成果 / 課題と工夫 sections.
//! Vocabulary is drawn with skewed weights so that a search for a common word (就労,
//! 支援) finds most practices and one for a rare word (水産加工, a small village) only a
//! few, as in a real library. Some practices spell ＩＴ and ＤＸ in full width and many
//! use katakana, so the index's folding is exercised.
//!
//! The same seed gives the same texts, so runs of the benchmark compare like with like.

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};
use uuid::Uuid;

use app::domain::Role;
use app::domain::TargetGroup;
use app::practices::{PracticeContent, PracticeResult, PracticeStatus, PracticeVisibility};
use app::wareki::japan_today;
use app::wareki::FiscalYear;

use crate::entities::{good_practice, platform, practice_version, user_role};
use crate::http::input::json;

/// Rows per `INSERT`: 19 columns × 500 stays far below SQLite's and PostgreSQL's limits
/// on bound parameters, and one transaction per batch keeps the write-ahead log small.
const BATCH: usize = 500;
/// The fiscal years practices are reported for: 令和2年度 to 令和8年度.
const FIRST_YEAR: i32 = 2020;
const LAST_YEAR: i32 = 2026;
/// How far back practices were written: five fiscal years.
const SPREAD_DAYS: i64 = 5 * 365;
/// The body's length in characters.
pub const BODY_MIN_CHARS: usize = 600;
pub const BODY_MAX_CHARS: usize = 1_500;

/// The 40 municipalities of Aomori prefecture with a weight close to their population
/// (thousands), so villages are rare words and the cities common ones.
pub const MUNICIPALITIES: [(&str, u32); 40] = [
    ("青森市", 270),
    ("弘前市", 160),
    ("八戸市", 220),
    ("黒石市", 31),
    ("五所川原市", 51),
    ("十和田市", 58),
    ("三沢市", 38),
    ("むつ市", 53),
    ("つがる市", 30),
    ("平川市", 30),
    ("平内町", 10),
    ("今別町", 2),
    ("蓬田村", 2),
    ("外ヶ浜町", 5),
    ("鰺ヶ沢町", 9),
    ("深浦町", 7),
    ("西目屋村", 1),
    ("藤崎町", 14),
    ("大鰐町", 9),
    ("田舎館村", 7),
    ("板柳町", 12),
    ("鶴田町", 12),
    ("中泊町", 10),
    ("野辺地町", 12),
    ("七戸町", 14),
    ("六戸町", 10),
    ("横浜町", 4),
    ("東北町", 17),
    ("六ヶ所村", 10),
    ("おいらせ町", 24),
    ("大間町", 5),
    ("東通村", 6),
    ("風間浦村", 2),
    ("佐井村", 2),
    ("三戸町", 9),
    ("五戸町", 16),
    ("田子町", 5),
    ("南部町", 16),
    ("階上町", 13),
    ("新郷村", 2),
];

/// The area of a practice the prefectural platform runs across the prefecture.
const WHOLE_PREFECTURE: &str = "青森県全域";

struct Industry {
    /// As the text names the field: 介護, 農業, IT ...
    name: &'static str,
    tag: &'static str,
    weight: u32,
    /// Where people work in it.
    workplaces: &'static [&'static str],
    /// What a trial day there consists of.
    tasks: &'static [&'static str],
    /// Qualifications that open it up.
    certificates: &'static [&'static str],
}

const INDUSTRIES: &[Industry] = &[
    Industry {
        name: "介護",
        tag: "介護",
        weight: 14,
        workplaces: &[
            "介護事業所",
            "特別養護老人ホーム",
            "デイサービスセンター",
            "障害福祉サービス事業所",
            "グループホーム",
        ],
        tasks: &[
            "配膳や食器の片付け",
            "送迎車への添乗",
            "レクリエーションの補助",
            "リネン交換と居室の清掃",
            "利用者との会話や見守り",
        ],
        certificates: &[
            "介護職員初任者研修",
            "介護福祉士実務者研修",
            "福祉用具専門相談員",
        ],
    },
    Industry {
        name: "農業",
        tag: "農業",
        weight: 12,
        workplaces: &[
            "農業法人",
            "りんご園",
            "JAの選果場",
            "野菜農家",
            "花き生産者",
        ],
        tasks: &[
            "りんごの摘果や収穫",
            "選果と箱詰め",
            "ハウスでのミニトマトの収穫",
            "にんにくの調製作業",
            "ながいもの選別",
            "育苗や草取り",
        ],
        certificates: &["農業機械の安全講習", "大型特殊自動車免許", "農薬管理指導士"],
    },
    Industry {
        name: "物流",
        tag: "物流",
        weight: 9,
        workplaces: &["物流センター", "運送会社", "倉庫事業者", "宅配の営業所"],
        tasks: &[
            "ピッキングや検品",
            "荷物の仕分け",
            "配送助手",
            "伝票の整理と入出荷の記録",
        ],
        certificates: &["フォークリフト運転技能講習", "中型自動車免許", "運行管理者"],
    },
    Industry {
        name: "IT",
        tag: "IT",
        weight: 7,
        workplaces: &[
            "IT企業",
            "ソフトウェア開発会社",
            "データ入力センター",
            "Web制作会社",
            "コールセンター",
        ],
        tasks: &[
            "データ入力と照合",
            "Webサイトの更新作業",
            "ソフトウェアのテスト作業",
            "RPAを使った定型業務の自動化",
            "社内ヘルプデスクの補助",
        ],
        certificates: &[
            "ITパスポート",
            "MOS",
            "基本情報技術者",
            "Webクリエイター能力認定",
        ],
    },
    Industry {
        name: "製造",
        tag: "製造業",
        weight: 10,
        workplaces: &[
            "製造業の工場",
            "精密機器メーカー",
            "食品工場",
            "電子部品工場",
            "縫製工場",
        ],
        tasks: &[
            "部品の外観検査",
            "組立ての補助",
            "製品の梱包と出荷準備",
            "機械への材料の投入",
            "製造ラインの清掃",
        ],
        certificates: &["玉掛け技能講習", "危険物取扱者（乙種第4類）", "QC検定3級"],
    },
    Industry {
        name: "観光",
        tag: "観光",
        weight: 6,
        workplaces: &[
            "温泉旅館",
            "ホテル",
            "観光施設",
            "道の駅",
            "ねぶたの展示施設",
        ],
        tasks: &[
            "客室の清掃とベッドメイク",
            "売店での品出し",
            "調理補助と盛り付け",
            "館内の案内",
            "イベント会場の設営",
        ],
        certificates: &["調理師", "国内旅行業務取扱管理者", "食品衛生責任者"],
    },
    Industry {
        name: "水産加工",
        tag: "水産加工",
        weight: 2,
        workplaces: &["水産加工会社", "水産加工場", "魚市場の仲卸業者"],
        tasks: &[
            "魚の選別",
            "ホタテの殻むきと加工",
            "冷凍品の箱詰め",
            "いかの加工と計量",
        ],
        certificates: &["食品衛生責任者", "フォークリフト運転技能講習"],
    },
    Industry {
        name: "建設",
        tag: "建設",
        weight: 5,
        workplaces: &["建設会社", "設備工事会社", "除雪事業者", "解体工事会社"],
        tasks: &[
            "資材の運搬",
            "現場の清掃と片付け",
            "除雪作業の補助",
            "測量の補助",
        ],
        certificates: &[
            "小型車両系建設機械の特別教育",
            "2級土木施工管理技士",
            "車両系建設機械運転技能講習",
        ],
    },
    Industry {
        name: "小売",
        tag: "小売",
        weight: 6,
        workplaces: &[
            "スーパーマーケット",
            "ドラッグストア",
            "ホームセンター",
            "産直施設",
        ],
        tasks: &["品出しと陳列", "レジの補助", "在庫の確認", "惣菜の調理補助"],
        certificates: &["販売士3級", "食品衛生責任者"],
    },
    Industry {
        name: "ビルメンテナンス",
        tag: "ビルメンテナンス",
        weight: 4,
        workplaces: &["ビルメンテナンス会社", "清掃会社", "施設管理会社"],
        tasks: &["共用部の清掃", "設備の点検補助", "ごみの分別と搬出"],
        certificates: &["ビルクリーニング技能士", "第二種電気工事士"],
    },
    Industry {
        name: "林業",
        tag: "林業",
        weight: 2,
        workplaces: &["森林組合", "製材所", "木工所"],
        tasks: &["下刈りや植林の補助", "木工品の製作補助", "薪の製造"],
        certificates: &["チェーンソーの特別教育", "刈払機取扱作業者の安全衛生教育"],
    },
    Industry {
        name: "事務",
        tag: "事務職",
        weight: 5,
        workplaces: &["会計事務所", "一般企業の総務部門", "社会福祉法人の事務局"],
        tasks: &[
            "書類の整理とファイリング",
            "表計算ソフトでの集計",
            "郵便物の仕分けと発送",
        ],
        certificates: &["日商簿記3級", "MOS", "秘書検定2級"],
    },
];

/// `{…}` in these texts is filled from the practice (see [`Draft::fill`]).
struct Activity {
    /// The tag it is filed under.
    tag: &'static str,
    weight: u32,
    /// The group it is usually aimed at.
    aimed_at: TargetGroup,
    /// Titles, after the place: 〜における{these}.
    titles: &'static [&'static str],
    /// What it was, as the summary says it.
    gist: &'static str,
    /// What was done, for 取り組み.
    doing: &'static [&'static str],
    /// Its steps, for a bullet list.
    steps: &'static [&'static str],
}

const ACTIVITIES: &[Activity] = &[
    Activity {
        tag: "就労体験",
        weight: 14,
        aimed_at: TargetGroup::LongTermUnemployed,
        titles: &[
            "{workplace}と連携した就労体験プログラム",
            "{industry}分野の就労体験による{target_short}の就職支援",
            "短時間から始める{industry}の就労体験",
        ],
        gist: "{workplace}での就労体験",
        doing: &[
            "{workplace}の協力を得て、{task}などの作業を1日3時間程度から体験できる機会を設けた。",
            "体験期間は1週間から最長1か月とし、本人の体調や希望に合わせて日数を調整した。",
            "体験中は{partner}の支援員が週に1回程度職場を訪ね、本人と現場の担当者の双方から話を聞いた。",
            "体験先の担当者には、作業の手順を紙に書いて示すなど、分かりやすい指示の出し方をお願いした。",
        ],
        steps: &[
            "事前面談で希望や体調、通勤手段を確認",
            "{workplace}での就労体験（{task}など）",
            "支援員による体験中の巡回と声かけ",
            "体験後の振り返り面談と次のステップの検討",
            "希望者には受入れ企業の求人への応募を支援",
        ],
    },
    Activity {
        tag: "職場見学",
        weight: 9,
        aimed_at: TargetGroup::UnstableEmployment,
        titles: &[
            "{industry}の職場見学ツアー",
            "{workplace}をめぐる職場見学会",
            "{partner}と協働した職場見学と座談会",
        ],
        gist: "{industry}分野の職場見学会",
        doing: &[
            "{within}の{workplace}など{n_companies}か所を小型バスでめぐる職場見学ツアーを実施した。",
            "見学後には若手社員との座談会を設け、働き方や職場の雰囲気について気軽に質問できるようにした。",
            "見学先では{task}の様子を間近で見てもらい、仕事の流れを具体的に思い描けるよう工夫した。",
        ],
        steps: &[
            "参加者の関心に合わせた見学先の選定",
            "見学当日の集合場所からの送迎",
            "現場見学と社員との座談会",
            "見学後の個別相談と応募の検討",
        ],
    },
    Activity {
        tag: "個別相談",
        weight: 10,
        aimed_at: TargetGroup::UnstableEmployment,
        titles: &[
            "キャリアコンサルタントによる出張個別相談会",
            "{place}での予約不要の就労相談",
            "{target_short}のための個別相談窓口",
        ],
        gist: "キャリアコンサルタントによる個別相談",
        doing: &[
            "キャリアコンサルタントが{place}に出張し、予約なしでも立ち寄れる個別相談会を月{n_sessions_month}回開いた。",
            "相談では職務経歴の棚卸しを丁寧に行い、これまでの非正規雇用での経験を強みとして言葉にできるよう支援した。",
            "相談の内容に応じて{partner}や{partner2}の窓口につなぎ、必要な支援をその場で案内した。",
        ],
        steps: &[
            "相談予約の受付（電話・メールフォーム・当日受付）",
            "キャリアコンサルタントとの個別面談（1回60分程度）",
            "応募書類の作成支援と面接練習",
            "関係機関への同行と引継ぎ",
        ],
    },
    Activity {
        tag: "伴走支援",
        weight: 9,
        aimed_at: TargetGroup::LongTermUnemployed,
        titles: &[
            "就職から定着までの伴走支援",
            "専任支援員による伴走型の就労支援",
            "{partner}と連携した伴走支援による正社員就職",
        ],
        gist: "専任支援員による就職から定着までの伴走支援",
        doing: &[
            "専任の支援員が一人ひとりを担当し、相談から求人探し、面接、就職後の定着までを一貫して支えた。",
            "就職後も3か月間は月1回の面談を続け、職場での困りごとを早めに把握して企業と調整した。",
            "支援員は{partner}と定期的にケース会議を開き、支援の方針を共有した。",
        ],
        steps: &[
            "初回面談での課題と希望の整理",
            "本人と一緒に求人を探し、応募先を検討",
            "面接への同行と企業への配慮事項の説明",
            "就職後の定着支援面談（月1回）",
        ],
    },
    Activity {
        tag: "セミナー",
        weight: 8,
        aimed_at: TargetGroup::UnstableEmployment,
        titles: &[
            "{target_short}向け再就職セミナー",
            "{industry}業界を知る仕事理解セミナー",
            "自己理解から始める就活セミナー",
        ],
        gist: "再就職に向けたセミナー",
        doing: &[
            "自己分析、応募書類の書き方、面接対策を内容とするセミナーを全{n_sessions}回の連続講座として開いた。",
            "講師には{industry}分野の人事担当者を招き、採用する側の視点から求める人物像を話してもらった。",
            "グループワークを取り入れ、参加者同士が互いの経験を語り合う時間を設けた。",
        ],
        steps: &[
            "第1回：自分の強みを見つけるワークショップ",
            "第2回：応募書類の書き方",
            "第3回：模擬面接とフィードバック",
            "最終回：企業の人事担当者との交流会",
        ],
    },
    Activity {
        tag: "資格取得",
        weight: 7,
        aimed_at: TargetGroup::UnstableEmployment,
        titles: &[
            "{certificate}の取得支援と就職マッチング",
            "資格取得を通じた{industry}分野への就職支援",
        ],
        gist: "{certificate}の取得支援",
        doing: &[
            "{certificate}の受講費用を助成し、受講中も支援員が学習の進み具合を確認した。",
            "資格取得後は{workplace}などの求人と結びつけ、面接の機会を設けた。",
            "働きながらでも学べるよう、夜間と土日の講座を用意した。",
        ],
        steps: &[
            "説明会と受講者の選考",
            "{certificate}の講座受講（受講費用を助成）",
            "資格取得後の求人紹介と面接同行",
        ],
    },
    Activity {
        tag: "アウトリーチ",
        weight: 6,
        aimed_at: TargetGroup::SocialParticipation,
        titles: &[
            "{partner}と連携したアウトリーチ型支援",
            "訪問支援による{target_short}への働きかけ",
            "家庭訪問から始める社会参加支援",
        ],
        gist: "訪問によるアウトリーチ型の支援",
        doing: &[
            "民生委員や{partner}から情報を得て、支援につながっていない世帯を支援員が訪問した。",
            "初めは玄関先で家族と話すことから始め、本人と会えるまで焦らずに訪問を重ねた。",
            "本人と会えた後は、散歩や買い物への同行など、外に出るきっかけづくりから支援した。",
        ],
        steps: &[
            "関係機関からの情報提供と訪問計画の作成",
            "支援員2名による家庭訪問",
            "本人との面談と外出への同行",
            "居場所や相談窓口への段階的な移行",
        ],
    },
    Activity {
        tag: "居場所づくり",
        weight: 6,
        aimed_at: TargetGroup::SocialParticipation,
        titles: &[
            "{place}を活用した居場所カフェ",
            "居場所づくりから始める社会参加支援",
            "コミュニティカフェでの居場所づくりと就労準備",
        ],
        gist: "居場所カフェの運営",
        doing: &[
            "{place}で週1回、誰でも立ち寄れる居場所カフェを開き、ボードゲームや軽作業を通じて人と関わる機会をつくった。",
            "カフェの運営には参加者自身にも加わってもらい、接客やコーヒーを淹れる作業を役割として担ってもらった。",
            "カフェには{partner}の職員も顔を出し、雑談の中から就労に向けた相談につなげた。",
        ],
        steps: &[
            "居場所カフェの開設（毎週{weekday}の午後）",
            "軽作業や趣味の活動を通じた交流",
            "希望者への個別相談の案内",
            "就労体験やボランティア活動への橋渡し",
        ],
    },
    Activity {
        tag: "合同企業説明会",
        weight: 6,
        aimed_at: TargetGroup::UnstableEmployment,
        titles: &[
            "就職氷河期世代を対象とした合同企業説明会",
            "{industry}企業による合同企業説明会と面接会",
        ],
        gist: "就職氷河期世代を対象とした合同企業説明会",
        doing: &[
            "就職氷河期世代の採用に意欲のある企業{n_companies}社が参加する合同企業説明会を開いた。",
            "会場には{partner}の相談ブースを設け、応募を迷う方がその場で相談できるようにした。",
            "事前に参加企業向けの説明会を開き、ブランクのある方の経歴の見方や面接での配慮を共有した。",
        ],
        steps: &[
            "参加企業の募集と事前説明会",
            "求職者向けの事前セミナー",
            "合同企業説明会と面接会の開催",
            "説明会後の応募フォロー",
        ],
    },
    Activity {
        tag: "リスキリング",
        weight: 5,
        aimed_at: TargetGroup::UnstableEmployment,
        titles: &[
            "DX人材育成に向けたリスキリング講座",
            "デジタルスキル習得による{target_short}の正社員就職",
            "オンラインで学ぶIT基礎講座と就職支援",
        ],
        gist: "DX人材を育てるリスキリング講座",
        doing: &[
            "地元企業のDXを担う人材を育てるため、表計算やデータ活用、RPAの基礎を学ぶ講座を開いた。",
            "講座はオンラインと対面を組み合わせ、自宅からでも受講できるようにした。",
            "修了後は{workplace}などでの実習を用意し、学んだことを実務で試す機会をつくった。",
        ],
        steps: &[
            "パソコンの基本操作の確認",
            "表計算とデータ活用の基礎",
            "業務の自動化（RPA）入門",
            "企業での実習と就職マッチング",
        ],
    },
    Activity {
        tag: "オンライン相談",
        weight: 4,
        aimed_at: TargetGroup::LongTermUnemployed,
        titles: &[
            "オンラインを活用した遠隔地向け就労相談",
            "冬期も途切れないオンライン就労相談",
        ],
        gist: "オンラインでの就労相談",
        doing: &[
            "ビデオ通話による相談窓口を設け、移動が難しい方や人と会うことに不安のある方も自宅から相談できるようにした。",
            "カメラをオフにした相談やチャットでの相談も受け付け、最初の一歩のハードルを下げた。",
            "タブレット端末の貸出しを行い、機器のない世帯でも利用できるようにした。",
        ],
        steps: &[
            "Webフォームでの相談予約",
            "ビデオ通話またはチャットでの相談",
            "必要に応じた対面相談への切替え",
        ],
    },
    Activity {
        tag: "家族支援",
        weight: 4,
        aimed_at: TargetGroup::SocialParticipation,
        titles: &[
            "家族向け相談会と学習会",
            "ご家族を通じた{target_short}への支援",
        ],
        gist: "家族向けの相談会と学習会",
        doing: &[
            "ひきこもり状態にある方のご家族を対象に、月1回の相談会と学習会を開いた。",
            "学習会では{partner}の専門職が、本人との接し方や利用できる支援制度について説明した。",
            "家族同士が悩みを共有できる交流の時間を設け、孤立を防ぐことにも努めた。",
        ],
        steps: &[
            "家族向け個別相談",
            "本人との接し方を学ぶ学習会",
            "家族同士の交流会",
            "本人への支援へのつなぎ",
        ],
    },
    Activity {
        tag: "企業開拓",
        weight: 5,
        aimed_at: TargetGroup::LongTermUnemployed,
        titles: &[
            "{target_short}を受け入れる企業の開拓",
            "短時間から働ける求人の開拓とマッチング",
        ],
        gist: "受入れ企業と短時間求人の開拓",
        doing: &[
            "支援員が{within}の企業を訪問し、短時間勤務や段階的な勤務開始に応じられる求人を掘り起こした。",
            "企業には業務の切り出しを提案し、{task}など未経験でも取り組みやすい仕事を求人にまとめた。",
            "開拓した求人は{partner}と共有し、求職者とのマッチングにつなげた。",
        ],
        steps: &[
            "企業訪問と業務の切り出しの提案",
            "短時間求人の作成支援",
            "求職者とのマッチングと職場見学",
            "採用後の企業へのフォロー",
        ],
    },
    Activity {
        tag: "中間的就労",
        weight: 3,
        aimed_at: TargetGroup::LongTermUnemployed,
        titles: &[
            "{workplace}での中間的就労の場づくり",
            "中間的就労から一般就労への移行支援",
        ],
        gist: "中間的就労の場づくり",
        doing: &[
            "{workplace}の協力で、支援を受けながら働ける中間的就労の場を設けた。",
            "作業時間や内容は本人の状態に合わせて段階的に増やし、一般就労への移行を目指した。",
            "作業には工賃を支払い、働いて収入を得る経験を積めるようにした。",
        ],
        steps: &[
            "本人の状態に合わせた作業計画の作成",
            "支援付きでの就労（{task}など）",
            "作業時間の段階的な延長",
            "一般就労への移行支援",
        ],
    },
];

/// Tags a practice may carry besides its activity's and its industry's.
const THEME_TAGS: &[&str] = &[
    "定着支援",
    "ひきこもり支援",
    "短時間就労",
    "テレワーク",
    "官民連携",
    "広域連携",
    "SNS発信",
    "正社員化",
    "女性の就労",
    "移住・定住",
    "DX",
    "生活困窮者支援",
    "キャリアコンサルティング",
    "冬期の支援",
];

const PARTNERS: &[(&str, u32)] = &[
    ("ハローワーク", 10),
    ("地域若者サポートステーション", 6),
    ("社会福祉協議会", 6),
    ("商工会議所", 5),
    ("商工会", 4),
    ("中小企業家同友会", 3),
    ("生活困窮者自立相談支援機関", 5),
    ("ひきこもり地域支援センター", 3),
    ("地元の金融機関", 2),
    ("職業能力開発校", 2),
    ("ポリテクセンター", 2),
    ("NPO法人", 4),
    ("観光協会", 1),
    ("農業委員会", 1),
    ("民生委員・児童委員協議会", 2),
    ("保健所", 2),
];

const PLACES: &[&str] = &[
    "公民館",
    "市民センター",
    "図書館の会議室",
    "商店街の空き店舗",
    "地域の交流センター",
    "駅前の複合施設",
    "社会福祉協議会の一室",
    "コミュニティカフェ",
];

const WEEKDAYS: &[&str] = &["月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日"];

const NICKNAMES: &[&str] = &[
    "しごとはじめの一歩",
    "ワークトライ",
    "リスタートあおもり",
    "ステップアップ・ワーク",
    "まちなかキャリア相談",
    "ゆっくりワーク",
    "つながるベース",
    "はたらくカフェ",
    "あしたへのかけはし",
];

const BACKGROUND: &[&str] = &[
    "{area}では、就職氷河期世代のうち{target_long}が一定数いることが、{partner}への相談状況から明らかになっていた。",
    "これまでの相談窓口だけでは、支援につながりにくい層へ働きかけることが課題となっていた。",
    "地域の{industry}分野では人手不足が深刻になっており、未経験者の受入れに前向きな事業所も増えていた。",
    "一方で、求職者の側には「ブランクがあって不安」「自分に合う仕事が分からない」という声が多く、いきなり求人に応募することへのハードルが高かった。",
    "{partner}が行ったアンケートでは、40代・50代の相談者の約{percent}%が「職場の雰囲気を事前に知りたい」と答えていた。",
    "公共交通機関が限られる地域のため、支援機関まで足を運ぶこと自体が負担になっている方も少なくなかった。",
    "冬期は積雪で移動が難しく、支援が途切れやすいという地域の事情もあった。",
    "ひきこもり状態が長く続き、ご家族だけが相談に来ているケースも多く見られた。",
    "非正規雇用を繰り返してきた方の中には、職務経歴をうまく説明できず、書類選考で不採用が続く方もいた。",
    "人口減少が進む中、地域の担い手を確保することは{area}にとっても重要な課題である。",
];

/// How it was run, whatever the activity.
const RUNNING: &[&str] = &[
    "{partner}と{partner2}が役割を分担し、参加者の募集から事後のフォローまでを一体的に行った。",
    "参加者は{partner}の窓口や広報誌、{area}のWebサイトを通じて募集した。",
    "参加者の希望に応じて、{weekday}の午前中など短時間から参加できる日程を組んだ。",
    "{n_months}か月間にわたり、全{n_sessions}回のプログラムとして実施した。",
    "参加費は無料とし、送迎や託児についての相談にも応じた。",
    "就職氷河期世代支援の交付金を活用し、{within}の事業所と協力して実施した。",
];

/// What came of it, besides the head count.
const OUTCOMES: &[&str] = &[
    "協力事業所は{n_companies}社に広がり、そのうち数社は就職氷河期世代を対象とした求人を新たに出した。",
    "参加者アンケートでは{percent}%が「参加してよかった」と答えた。",
    "就職に至らなかった方も、{partner}での継続支援や職業訓練の受講へとつながっている。",
    "受入れ企業の側でも、業務の手順を見直すきっかけになったという声があった。",
    "支援機関の間で情報を共有する仕組みができ、相談から支援までの時間が短くなった。",
];

const CHALLENGES: &[&str] = &[
    "当初は参加者が集まらなかったため、{partner}の窓口や広報誌、SNSでの周知に加え、ご家族向けの説明会を開いた。",
    "受入れ企業の不安を減らすため、事前に{partner2}の職員が職場を訪問し、配慮してほしい点を共有した。",
    "体験の初日は支援員が同行し、休憩の取り方や質問の仕方を一緒に確認した。",
    "交通手段のない参加者には、送迎や公共交通の運賃の補助を行った。",
    "参加者ごとに目標を小さく区切り、できたことを振り返る時間を毎回設けた。",
    "企業の人事担当者向けに、就職氷河期世代の採用事例を紹介する勉強会を開いた。",
    "オンライン面談を併用し、冬期や遠方の方も続けて参加できるようにした。",
    "個人が特定されないよう、事例の共有にあたっては年代や経歴をぼかして記録した。",
    "キャリアコンサルタントと支援員の役割を明確にし、本人が相談先に迷わないようにした。",
    "就職がゴールではなく、本人が納得して働き続けられることを大切にした。",
];

const OUTLOOK: &[&str] = &[
    "来年度は対象地域を近隣の{other_area}にも広げ、広域での実施を検討している。",
    "協力事業所のネットワークを広げ、{industry}以外の分野にも体験先を増やす予定である。",
    "就職後の定着を支えるため、{partner}と連携した定期的なフォロー面談を計画している。",
    "本事例のノウハウを手引きにまとめ、県内の市町村プラットフォームと共有する。",
    "企業側の受入れ体制づくりを支援する研修を、{partner2}と共同で開く予定である。",
    "参加者の声を踏まえ、土日や夜間にも参加できる日程を増やしていきたい。",
];

/// Advice to platforms that would try it, as a bullet list.
const TIPS: &[&str] = &[
    "最初の接点は、相談窓口よりも身近で立ち寄りやすい場所に置く",
    "受入れ企業とは、事前に配慮してほしい点をすり合わせておく",
    "短時間・短期間から始め、本人のペースで段階的に広げる",
    "支援員が体験中も定期的に顔を出し、小さな困りごとを早めに拾う",
    "成果は就職者数だけでなく、次のステップに進んだ人数でも捉える",
    "ご家族への情報提供を並行して行う",
    "関係機関のケース会議を定例化し、支援の抜け漏れを防ぐ",
    "冬期の移動手段を早めに確保しておく",
];

const VOICES: &[&str] = &[
    "参加者からは「実際に働く様子を見て、自分にもできそうだと思えた」「同じ立場の人と話せて気持ちが楽になった」という声が寄せられた。",
    "受入れ企業からは「真面目に取り組んでくれて、現場の雰囲気も良くなった」との評価があった。",
    "ご家族からは「本人が自分から外に出るようになった」という声が聞かれた。",
    "参加者の一人は「久しぶりに誰かの役に立てたと感じた」と話していた。",
];

/// What the generator wrote for one practice.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedPractice {
    pub content: PracticeContent,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Writes practices; the same seed and `now` give the same practices.
pub struct PracticeGenerator {
    rng: StdRng,
    now: DateTime<Utc>,
}

/// The words one practice is written with, named as `{…}` in the texts.
struct Draft {
    words: Vec<(&'static str, String)>,
}

impl Draft {
    fn set(&mut self, key: &'static str, value: impl Into<String>) {
        self.words.push((key, value.into()));
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.words
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The template with every `{name}` replaced; an unknown name is left as written (a
    /// unit test checks none is left).
    fn fill(&self, template: &str) -> String {
        let mut out = String::with_capacity(template.len() + 64);
        let mut rest = template;
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            let after = &rest[start + 1..];
            match after.find('}') {
                Some(end) => {
                    let key = &after[..end];
                    match self.get(key) {
                        Some(value) => out.push_str(value),
                        None => out.push_str(&rest[start..start + end + 2]),
                    }
                    rest = &after[end + 1..];
                }
                None => {
                    out.push_str(&rest[start..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// ASCII letters as their full-width forms (IT → ＩＴ), as many Japanese documents write
/// them; Markdown's marks and the digits stay as they are.
fn full_width_letters(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphabetic() {
                char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

fn chars(text: &str) -> usize {
    text.chars().count()
}

impl PracticeGenerator {
    pub fn new(seed: u64, now: DateTime<Utc>) -> Self {
        PracticeGenerator {
            rng: StdRng::seed_from_u64(seed),
            now,
        }
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.gen_range(0..items.len())]
    }

    fn weighted<'a, T>(&mut self, items: &'a [T], weight: impl Fn(&T) -> u32) -> &'a T {
        let total: u32 = items.iter().map(&weight).sum();
        let mut at = self.rng.gen_range(0..total);
        for item in items {
            let w = weight(item);
            if at < w {
                return item;
            }
            at -= w;
        }
        &items[items.len() - 1]
    }

    /// Up to `n` distinct items in their listed order.
    fn some<'a, T>(&mut self, items: &'a [T], n: usize) -> Vec<&'a T> {
        let chosen = rand::seq::index::sample(&mut self.rng, items.len(), n.min(items.len()));
        let mut chosen = chosen.into_vec();
        chosen.sort_unstable();
        chosen.into_iter().map(|i| &items[i]).collect()
    }

    fn municipality(&mut self) -> &'static str {
        self.weighted(&MUNICIPALITIES, |m| m.1).0
    }

    /// One practice. `home`: the municipality a municipal platform serves, whose
    /// practices are mostly about it; `None` for the prefectural platform.
    pub fn practice(&mut self, home: Option<&str>) -> GeneratedPractice {
        let area: String = match home {
            Some(home) if self.rng.gen_bool(0.85) => home.to_string(),
            None if self.rng.gen_bool(0.12) => WHOLE_PREFECTURE.to_string(),
            _ => self.municipality().to_string(),
        };
        let other_area = loop {
            let other = self.municipality();
            if other != area {
                break other;
            }
        };
        let industry = self.weighted(INDUSTRIES, |i| i.weight);
        let activity = self.weighted(ACTIVITIES, |a| a.weight);
        let partner = self.weighted(PARTNERS, |p| p.1).0;
        let partner2 = loop {
            let other = self.weighted(PARTNERS, |p| p.1).0;
            if other != partner {
                break other;
            }
        };
        let mut target_groups = vec![if self.rng.gen_bool(0.7) {
            activity.aimed_at
        } else {
            *self.pick(TargetGroup::ALL)
        }];
        if self.rng.gen_bool(0.35) {
            target_groups.push(*self.pick(TargetGroup::ALL));
        }
        target_groups.sort();
        target_groups.dedup();
        let (target_short, target_long) = match target_groups[0] {
            TargetGroup::UnstableEmployment => *self.pick(&[
                ("不安定就労者", "不安定な就労状態にある方"),
                ("非正規雇用で働く方", "非正規雇用で働き続けてきた方"),
            ]),
            TargetGroup::LongTermUnemployed => *self.pick(&[
                ("長期無業者", "長期にわたり無業の状態にある方"),
                ("無業の状態にある方", "長く仕事から離れている方"),
            ]),
            TargetGroup::SocialParticipation => *self.pick(&[
                ("社会参加を目指す方", "社会参加に向けた支援を必要とする方"),
                ("ひきこもり状態にある方", "ひきこもり状態にある方"),
            ]),
        };

        let participants = self.rng.gen_range(5..=60u32);
        let hired = self.rng.gen_range(0..=participants / 2);
        let regular = self.rng.gen_range(0..=hired);
        let companies = self.rng.gen_range(2..=25u32);
        let sessions = self.rng.gen_range(2..=24u32);
        let percent = self.rng.gen_range(40..=98u32);

        let mut d = Draft { words: Vec::new() };
        let within = if area == WHOLE_PREFECTURE {
            "県内"
        } else if area.ends_with('市') {
            "市内"
        } else if area.ends_with('町') {
            "町内"
        } else {
            "村内"
        };
        d.set("area", area.clone());
        d.set("within", within);
        d.set("other_area", other_area);
        d.set("industry", industry.name);
        d.set("workplace", *self.pick(industry.workplaces));
        d.set("task", *self.pick(industry.tasks));
        d.set("certificate", *self.pick(industry.certificates));
        d.set("partner", partner);
        d.set("partner2", partner2);
        d.set("target_short", target_short);
        d.set("target_long", target_long);
        d.set("place", *self.pick(PLACES));
        d.set("weekday", *self.pick(WEEKDAYS));
        d.set("n_companies", companies.to_string());
        d.set("n_sessions", sessions.to_string());
        d.set("n_months", self.rng.gen_range(2..=10u32).to_string());
        d.set("n_sessions_month", self.rng.gen_range(1..=4u32).to_string());
        d.set("percent", percent.to_string());

        let title = {
            let what = d.fill(self.pick(activity.titles));
            let place = if area == WHOLE_PREFECTURE {
                "県内全域を対象とした".to_string()
            } else {
                match self.rng.gen_range(0..10) {
                    0..=4 => format!("{area}における"),
                    5..=6 => format!("{area}での"),
                    7 => format!("{area}発・"),
                    _ => String::new(),
                }
            };
            let nickname = if self.rng.gen_bool(0.15) {
                format!("「{}」", self.pick(NICKNAMES))
            } else {
                String::new()
            };
            format!("{place}{what}{nickname}")
        };

        let mut results = vec![PracticeResult {
            label: "参加者数".into(),
            value: participants.into(),
            unit: "名".into(),
        }];
        let more = [
            ("就職者数", hired as f64, "名"),
            ("正規雇用", regular as f64, "名"),
            ("協力企業", companies as f64, "社"),
            ("開催回数", sessions as f64, "回"),
            ("満足度", percent as f64, "%"),
            (
                "就職率",
                (hired as f64 * 1000.0 / participants as f64).round() / 10.0,
                "%",
            ),
        ];
        let extra = self.rng.gen_range(0..=2);
        for (label, value, unit) in self.some(&more, extra) {
            results.push(PracticeResult {
                label: (*label).into(),
                value: *value,
                unit: (*unit).into(),
            });
        }
        // A third of the practices report no head count first: the figures that matter
        // to them are others.
        if results.len() > 1 && self.rng.gen_bool(0.33) {
            results.remove(0);
        }

        let outcome = match self.rng.gen_range(0..3) {
            0 => format!("延べ{participants}名が参加し、{hired}名が就職に結びついた"),
            1 => format!("協力事業所は{companies}社に広がった"),
            _ => format!("参加者の{percent}%が次のステップに進んだ"),
        };
        let summary = {
            let first = d.fill(&format!(
                "{}、{{partner}}と連携し、{{target_long}}を対象に{}を実施した。",
                if area == WHOLE_PREFECTURE {
                    "県内全域で"
                } else {
                    "{area}において"
                },
                activity.gist
            ));
            if self.rng.gen_bool(0.6) {
                format!("{first}{outcome}。")
            } else {
                first
            }
        };

        let body = self.body(&d, activity, &results, participants, hired, regular);

        let mut tags = vec![activity.tag.to_string(), industry.tag.to_string()];
        let themes = self.rng.gen_range(0..=2);
        for theme in self.some(THEME_TAGS, themes) {
            if !tags.iter().any(|t| t == theme) {
                tags.push((*theme).to_string());
            }
        }

        let (title, summary, body, tags) = if self.rng.gen_bool(0.3) {
            (
                full_width_letters(&title),
                full_width_letters(&summary),
                full_width_letters(&body),
                tags.iter().map(|t| full_width_letters(t)).collect(),
            )
        } else {
            (title, summary, body, tags)
        };

        let created_at =
            self.now - Duration::seconds(self.rng.gen_range(0..SPREAD_DAYS * 24 * 3600));
        let updated_at =
            (created_at + Duration::seconds(self.rng.gen_range(0..30 * 24 * 3600))).min(self.now);
        let written = FiscalYear::of(japan_today(created_at)).0;
        // Some are written up the year after.
        let year = (written - i32::from(self.rng.gen_bool(0.3))).clamp(FIRST_YEAR, LAST_YEAR);
        let visibility = match self.rng.gen_range(0..100) {
            0..=79 => PracticeVisibility::Network,
            80..=91 => PracticeVisibility::Platform,
            _ => PracticeVisibility::Public,
        };
        let status = if self.rng.gen_bool(0.1) {
            PracticeStatus::Draft
        } else {
            PracticeStatus::Published
        };

        GeneratedPractice {
            content: PracticeContent {
                title,
                summary,
                body,
                target_groups,
                tags,
                area,
                period: FiscalYear(year).wareki(),
                results,
                contact_organisation_id: None,
                visibility,
                status,
            },
            created_at,
            updated_at,
        }
    }

    fn body(
        &mut self,
        d: &Draft,
        activity: &Activity,
        results: &[PracticeResult],
        participants: u32,
        hired: u32,
        regular: u32,
    ) -> String {
        let budget = self.rng.gen_range(BODY_MIN_CHARS..=BODY_MAX_CHARS);

        let background = {
            let n = self.rng.gen_range(2..=4);
            let lines: Vec<String> = self
                .some(BACKGROUND, n)
                .into_iter()
                .map(|s| d.fill(s))
                .collect();
            lines.concat()
        };
        let doing = {
            let n = self.rng.gen_range(2..=activity.doing.len());
            let mut lines: Vec<String> = self
                .some(activity.doing, n)
                .into_iter()
                .map(|s| d.fill(s))
                .collect();
            let n = self.rng.gen_range(1..=2);
            lines.extend(self.some(RUNNING, n).into_iter().map(|s| d.fill(s)));
            let steps: Vec<String> = self
                .some(activity.steps, 4)
                .into_iter()
                .map(|s| format!("- {}", d.fill(s)))
                .collect();
            format!("{}\n\n{}", lines.concat(), steps.join("\n"))
        };
        let outcome = {
            let mut text = format!("延べ{participants}名が参加し、");
            if hired == 0 {
                text.push_str("就職に至った方はまだいないものの、複数の方が就労体験や職業訓練へと次の一歩を踏み出した。");
            } else if regular > 0 {
                text.push_str(&format!(
                    "うち{hired}名が就職に結びついた（うち正規雇用{regular}名）。"
                ));
            } else {
                text.push_str(&format!(
                    "うち{hired}名がパートタイムなどで就職に結びついた。"
                ));
            }
            let n = self.rng.gen_range(1..=2);
            for line in self.some(OUTCOMES, n) {
                text.push_str(&d.fill(line));
            }
            let figures: Vec<String> = results
                .iter()
                .map(|r| format!("- {}：{}{}", r.label, r.value, r.unit))
                .collect();
            format!("{text}\n\n{}", figures.join("\n"))
        };
        let mut sections: Vec<(&str, String)> = vec![
            (
                *self.pick(&["背景", "背景と課題", "取り組みのきっかけ"]),
                background,
            ),
            (*self.pick(&["取り組み", "取り組みの概要"]), doing),
            ("成果", outcome),
        ];
        let optional: [(&str, String); 5] = [
            ("実施体制", {
                let lines = [
                    d.fill("- {partner}：対象者への周知と事前相談"),
                    d.fill("- {partner2}：関係機関との調整と事後フォロー"),
                    d.fill("- {workplace}：受入れと現場での指導"),
                    "- キャリアコンサルタント：振り返り面談と応募書類の作成支援".to_string(),
                ];
                lines.join("\n")
            }),
            ("課題と工夫", {
                let n = self.rng.gen_range(2..=3);
                self.some(CHALLENGES, n)
                    .into_iter()
                    .map(|s| d.fill(s))
                    .collect::<Vec<_>>()
                    .concat()
            }),
            ("参加者の声", {
                let n = self.rng.gen_range(1..=2);
                self.some(VOICES, n)
                    .into_iter()
                    .map(|s| d.fill(s))
                    .collect::<Vec<_>>()
                    .concat()
            }),
            ("今後の展開", {
                let n = self.rng.gen_range(1..=2);
                self.some(OUTLOOK, n)
                    .into_iter()
                    .map(|s| d.fill(s))
                    .collect::<Vec<_>>()
                    .concat()
            }),
            ("他地域で取り組む際のポイント", {
                let n = self.rng.gen_range(3..=4);
                self.some(TIPS, n)
                    .into_iter()
                    .map(|s| format!("- {s}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            }),
        ];
        let section_chars = |(heading, text): &(&str, String)| chars(heading) + chars(text) + 6;
        let mut length: usize = sections.iter().map(section_chars).sum();
        let order: Vec<usize> =
            rand::seq::index::sample(&mut self.rng, optional.len(), optional.len()).into_vec();
        let mut kept = [false; 5];
        for i in order {
            let extra = section_chars(&optional[i]);
            // Below the minimum every section that fits is kept; above it, only up to
            // this practice's own length.
            if length + extra <= BODY_MAX_CHARS
                && (length < BODY_MIN_CHARS || length + extra <= budget)
            {
                kept[i] = true;
                length += extra;
            }
        }
        // 実施体制 belongs after 取り組み; the others after 成果, in their listed order.
        let [structure, challenges, voices, outlook, tips] = optional;
        if kept[0] {
            sections.insert(2, structure);
        }
        for (keep, section) in kept[1..].iter().zip([challenges, voices, outlook, tips]) {
            if *keep {
                sections.push(section);
            }
        }
        sections
            .iter()
            .map(|(heading, text)| format!("## {heading}\n\n{text}"))
            .collect::<Vec<_>>()
            .join("\n\n")
    }
}

/// A platform practices are written on, with the people who may write them.
struct Author {
    platform_id: Uuid,
    network_id: Uuid,
    /// The municipality it serves; `None` for the prefectural platform.
    home: Option<String>,
    users: Vec<Uuid>,
}

/// The demo's prefectural platform and its municipal ones, each with its staff and
/// coordinators (who may write practices).
async fn authors(db: &DatabaseConnection) -> Result<Vec<Author>, DbErr> {
    let aomori = platform::Entity::find()
        .filter(platform::Column::Slug.eq("aomori"))
        .one(db)
        .await?
        .ok_or_else(|| {
            DbErr::RecordNotFound(
                "the demo platform `aomori`: load it first with `kakehashi seed --demo`".into(),
            )
        })?;
    let municipal = platform::Entity::find()
        .filter(platform::Column::ParentId.eq(aomori.id))
        .order_by_asc(platform::Column::Slug)
        .all(db)
        .await?;
    let mut authors = Vec::new();
    for p in std::iter::once(aomori).chain(municipal) {
        let users: Vec<Uuid> = user_role::Entity::find()
            .filter(user_role::Column::PlatformId.eq(p.id))
            .filter(
                user_role::Column::Role.is_in([Role::Staff.as_str(), Role::Coordinator.as_str()]),
            )
            .order_by_asc(user_role::Column::CreatedAt)
            .order_by_asc(user_role::Column::UserId)
            .all(db)
            .await?
            .into_iter()
            .map(|r| r.user_id)
            .collect();
        if users.is_empty() {
            continue;
        }
        // The demo names municipal platforms「八戸市 就職氷河期世代…」.
        let home = p.parent_id.and_then(|_| {
            let first = p.name.split_whitespace().next()?;
            MUNICIPALITIES
                .iter()
                .any(|(m, _)| *m == first)
                .then(|| first.to_string())
        });
        authors.push(Author {
            platform_id: p.id,
            network_id: p.parent_id.unwrap_or(p.id),
            home,
            users,
        });
    }
    if authors.is_empty() {
        return Err(DbErr::RecordNotFound(
            "a staff member or coordinator of the demo platforms to write practices".into(),
        ));
    }
    Ok(authors)
}

/// Adds `n` generated practices, spread evenly over the demo's prefectural and municipal
/// platforms, each written by one of its staff or coordinators, with the first version
/// of each in the history. The change log is not written: the server builds its search
/// index from the table when it starts, and these practices are not meant for syncing.
pub async fn insert_practices(
    db: &DatabaseConnection,
    n: usize,
    seed: u64,
) -> Result<usize, DbErr> {
    let authors = authors(db).await?;
    let mut generator = PracticeGenerator::new(seed, Utc::now());
    let fields = json(&PracticeContent::FIELDS);
    let mut inserted = 0;
    let started = Instant::now();
    while inserted < n {
        let size = BATCH.min(n - inserted);
        let mut practices = Vec::with_capacity(size);
        let mut versions = Vec::with_capacity(size);
        for i in inserted..inserted + size {
            let author = &authors[i % authors.len()];
            let user = author.users[(i / authors.len()) % author.users.len()];
            let g = generator.practice(author.home.as_deref());
            let id = Uuid::new_v4();
            let c = &g.content;
            practices.push(good_practice::ActiveModel {
                id: Set(id),
                platform_id: Set(author.platform_id),
                network_id: Set(author.network_id),
                created_by: Set(user),
                title: Set(c.title.clone()),
                summary: Set(c.summary.clone()),
                body: Set(c.body.clone()),
                target_groups: Set(json(&c.target_groups)),
                tags: Set(json(&c.tags)),
                area: Set(c.area.clone()),
                period: Set(c.period.clone()),
                results: Set(json(&c.results)),
                contact_organisation_id: Set(None),
                visibility: Set(c.visibility.as_str().into()),
                status: Set(c.status.as_str().into()),
                featured_at: Set(None),
                version: Set(1),
                created_at: Set(g.created_at),
                updated_at: Set(g.updated_at),
                deleted_at: Set(None),
            });
            versions.push(practice_version::ActiveModel {
                id: Set(Uuid::new_v4()),
                practice_id: Set(id),
                version: Set(1),
                changed_by: Set(user),
                changed_at: Set(g.created_at),
                fields: Set(fields.clone()),
                snapshot: Set(json(c)),
            });
        }
        let txn = db.begin().await?;
        good_practice::Entity::insert_many(practices)
            .exec_without_returning(&txn)
            .await?;
        practice_version::Entity::insert_many(versions)
            .exec_without_returning(&txn)
            .await?;
        txn.commit().await?;
        inserted += size;
        if inserted % 10_000 == 0 && inserted < n {
            tracing::info!(
                inserted,
                of = n,
                seconds = started.elapsed().as_secs_f64(),
                "inserting generated practices"
            );
        }
    }
    Ok(inserted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 29, 3, 0, 0)
            .single()
            .expect("a valid fixed date")
    }

    fn practices(seed: u64, n: usize) -> Vec<GeneratedPractice> {
        let mut g = PracticeGenerator::new(seed, now());
        let homes = [None, Some("青森市"), Some("八戸市"), Some("弘前市")];
        (0..n).map(|i| g.practice(homes[i % homes.len()])).collect()
    }

    #[test]
    fn the_same_seed_writes_the_same_practices() {
        assert_eq!(practices(7, 50), practices(7, 50));
        assert_ne!(practices(7, 50), practices(8, 50));
    }

    #[test]
    fn texts_are_within_their_lengths_and_fully_filled() {
        for p in practices(1, 2_000) {
            let c = &p.content;
            let body = chars(&c.body);
            assert!(
                (BODY_MIN_CHARS..=BODY_MAX_CHARS).contains(&body),
                "body of {body} characters:\n{}",
                c.body
            );
            assert!(chars(&c.title) <= crate::practices::MAX_TITLE_CHARS);
            assert!(chars(&c.summary) <= 300, "summary: {}", c.summary);
            let sentences = c.summary.matches('。').count();
            assert!((1..=2).contains(&sentences), "summary: {}", c.summary);
            assert!(c.body.starts_with("## "));
            assert!((2..=4).contains(&c.tags.len()), "tags: {:?}", c.tags);
            assert!((1..=2).contains(&c.target_groups.len()));
            assert!((1..=3).contains(&c.results.len()));
            for text in [&c.title, &c.summary, &c.body] {
                assert!(
                    !text.contains('{') && !text.contains('}'),
                    "an unfilled word in: {text}"
                );
            }
            // What the API would refuse must not be generated either.
            let findings = app::personal_data::scan([
                ("title", c.title.as_str()),
                ("summary", c.summary.as_str()),
                ("body", c.body.as_str()),
            ]);
            assert!(findings.is_empty(), "{findings:?}");
            assert!(c.period.starts_with("令和") && c.period.ends_with("年度"));
            assert!(p.created_at <= p.updated_at && p.updated_at <= now());
        }
    }

    #[test]
    fn json_columns_read_back() {
        for p in practices(3, 200) {
            let c = &p.content;
            let groups: Vec<TargetGroup> =
                serde_json::from_str(&json(&c.target_groups)).expect("target groups parse");
            assert_eq!(groups, c.target_groups);
            let tags: Vec<String> = serde_json::from_str(&json(&c.tags)).expect("tags parse");
            assert_eq!(&tags, &c.tags);
            let results: Vec<PracticeResult> =
                serde_json::from_str(&json(&c.results)).expect("results parse");
            assert_eq!(&results, &c.results);
            let snapshot: PracticeContent =
                serde_json::from_str(&json(c)).expect("the snapshot parses");
            assert_eq!(&snapshot, c);
        }
    }

    #[tokio::test]
    async fn inserts_searchable_practices_into_the_demo_platforms() {
        use sea_orm::{ConnectOptions, ConnectionTrait, Database, PaginatorTrait};

        use crate::practices::index::PracticeIndex;

        // One connection: every connection to `sqlite::memory:` is a database of its own.
        let mut options = ConnectOptions::new("sqlite::memory:");
        options.max_connections(1).sqlx_logging(false);
        let db = Database::connect(options)
            .await
            .expect("an in-memory SQLite database");
        db.execute_unprepared("PRAGMA foreign_keys = ON")
            .await
            .expect("foreign keys on");
        crate::db::migrate(&db).await.expect("the migrations run");
        crate::seed::demo(&db).await.expect("the demo data loads");

        assert_eq!(insert_practices(&db, 1_234, 1).await, Ok(1_234));
        // Again with the same seed: new rows, not a clash of ids.
        assert_eq!(insert_practices(&db, 10, 1).await, Ok(10));
        let practices = good_practice::Entity::find()
            .count(&db)
            .await
            .expect("a count");
        let versions = practice_version::Entity::find()
            .count(&db)
            .await
            .expect("a count");
        assert_eq!((practices, versions), (1_244, 1_244));
        let platforms = good_practice::Entity::find()
            .all(&db)
            .await
            .expect("the practices")
            .into_iter()
            .map(|p| p.platform_id)
            .collect::<std::collections::BTreeSet<_>>();
        assert_eq!(
            platforms.len(),
            4,
            "the prefectural and 3 municipal platforms"
        );

        let index = PracticeIndex::new().expect("an index");
        index.catch_up(&db).await.expect("the index is built");
        let aomori = platform::Entity::find()
            .filter(platform::Column::Slug.eq("aomori"))
            .one(&db)
            .await
            .expect("a query")
            .expect("the demo's prefectural platform");
        let keys = vec![format!("network:{}", aomori.id)];
        let total = |q: &str| {
            let filter = app::practices::PracticeFilter {
                q: Some(q.to_string()),
                ..Default::default()
            };
            index.search(&keys, &filter, 20).expect("a search").total
        };
        let (common, rare) = (total("支援"), total("水産加工"));
        assert!(common > 1_000 * 3 / 4 && rare > 0 && rare * 10 < common);
        assert!(total("ＤＸ") > 0);
        assert_eq!(total("ＤＸ"), total("dx"));
    }

    #[test]
    fn common_words_are_common_and_rare_ones_rare() {
        let all = practices(1, 4_000);
        let share = |word: &str| {
            all.iter()
                .filter(|p| {
                    let c = &p.content;
                    [&c.title, &c.summary, &c.body]
                        .iter()
                        .any(|t| t.contains(word))
                })
                .count() as f64
                / all.len() as f64
        };
        assert!(share("支援") > 0.9);
        assert!(share("就労") > 0.5);
        assert!(share("水産加工") < 0.05);
        assert!(share("西目屋村") < 0.01);
        assert!(share("カフェ") > 0.01);
        assert!(share("ＤＸ") > 0.0 && share("DX") > share("ＤＸ"));
    }
}
