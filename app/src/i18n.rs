//! The one translation catalogue. Every string a person sees comes from here: Japanese
//! first, English available. A key without both languages does not compile.

use serde::{Deserialize, Serialize};

use crate::domain::TargetGroup;
use crate::domain::{
    InvitationStatus, MemberCategory, PlatformKind, Role, SecretariatRole, Standing,
};
use crate::outreach::{Accommodation, OutreachKind, OutreachState, RecipientStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Ja,
    En,
}

impl Lang {
    pub const COOKIE: &'static str = "kakehashi_lang";

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    /// Anything but a clear "en" is Japanese: Japanese is the default.
    pub fn from_code(code: &str) -> Lang {
        if code.trim().eq_ignore_ascii_case("en") {
            Lang::En
        } else {
            Lang::Ja
        }
    }

    /// Reads the language from a `Cookie` header value.
    pub fn from_cookie_header(header: &str) -> Lang {
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == Lang::COOKIE)
            .map(|(_, value)| Lang::from_code(value))
            .unwrap_or_default()
    }
}

macro_rules! catalogue {
    ($($key:ident => ($ja:expr, $en:expr)),+ $(,)?) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Key { $($key),+ }

        impl Key {
            pub const ALL: &'static [Key] = &[$(Key::$key),+];
        }

        pub fn t(lang: Lang, key: Key) -> &'static str {
            match (lang, key) {
                $((Lang::Ja, Key::$key) => $ja, (Lang::En, Key::$key) => $en,)+
            }
        }
    };
}

catalogue! {
    AppName => ("架け橋", "Kakehashi"),
    AppTagline => ("就職氷河期世代活躍支援プラットフォームの共有ワークスペース",
                   "The shared workspace of the employment ice-age generation support platforms"),
    SkipToContent => ("本文へ移動", "Skip to content"),
    MainNavigation => ("メインメニュー", "Main navigation"),
    Loading => ("読み込み中…", "Loading…"),
    ErrorGeneric => ("問題が発生しました。時間をおいて再度お試しください。",
                     "Something went wrong. Please try again in a moment."),
    ErrorNotFound => ("ページが見つかりません。", "This page does not exist."),
    ErrorSignInRequired => ("続けるにはログインしてください。", "Please sign in to continue."),
    ErrorForbidden => ("この操作を行う権限がありません。", "You are not allowed to do this."),
    ErrorInvalidInput => ("送られた値が正しくないか、範囲外です。入力内容を確認してください。",
                          "A value sent is not valid or out of range. Check what was entered."),
    ErrorConflict => ("ほかの操作と重なったため実行できませんでした。再読み込みしてお試しください。",
                      "This clashed with another change. Reload and try again."),
    BackHome => ("ホームへ戻る", "Back to home"),
    Home => ("ホーム", "Home"),

    Language => ("言語", "Language"),
    LangJa => ("日本語", "日本語"),
    LangEn => ("English", "English"),

    SignInTitle => ("ログイン", "Sign in"),
    Email => ("メールアドレス", "Email address"),
    Password => ("パスワード", "Password"),
    SignInSubmit => ("ログイン", "Sign in"),
    SignInInvalid => ("メールアドレスまたはパスワードが正しくありません。",
                      "The email address or password is not correct."),
    SignInRateLimited => ("ログインの試行が多すぎます。しばらく待ってから再度お試しください。",
                          "Too many sign-in attempts. Please wait a while and try again."),
    SignInMissing => ("メールアドレスとパスワードを入力してください。",
                      "Enter your email address and password."),
    SignInExpired => ("ページの有効期限が切れました。もう一度ログインしてください。",
                      "This page had expired. Please sign in again."),
    SignedOut => ("ログアウトしました。", "You have signed out."),
    SessionExpired => ("一定時間操作がなかったため、ログアウトしました。",
                       "You were signed out after a period of inactivity."),
    InvitationAcceptedSignIn => ("登録が完了しました。設定したパスワードでログインしてください。",
                                 "You are registered. Sign in with the password you set."),
    SignOut => ("ログアウト", "Sign out"),
    SignedInAs => ("ログイン中", "Signed in as"),

    PledgeTitle => ("秘密の保持に関する誓約", "Confidentiality pledge"),
    PledgeIntro => ("あおもり就職氷河期世代活躍支援プラットフォーム設置要領 6「秘密の保持」に基づき、利用を始める前に次の事項に同意してください。",
                    "Under section 6 of the platform's establishment guidelines (confidentiality), please agree to the following before you begin."),
    PledgeClause1 => ("プラットフォームの構成員及び協議の場に参加した者として、職務上知り得た秘密を漏らしません。",
                      "As a member of the platform or a participant in its meetings, I will not disclose secrets learned in the course of my duties."),
    PledgeClause2 => ("支援対象者の個人情報（氏名、連絡先、マイナンバー、住所など）を入力しません。",
                      "I will not enter personal data of supported people (names, contact details, My Number, addresses)."),
    PledgeClause3 => ("閲覧・操作の記録が監査のために保存されることを理解しています。",
                      "I understand that what I read and do is recorded for audit."),
    PledgeAgree => ("上記に同意します", "I agree to the above"),
    PledgeSubmit => ("誓約して始める", "Accept and continue"),
    PledgeMustAgree => ("同意のチェックを入れてください。", "Please tick the box to agree."),

    PlatformSwitcher => ("プラットフォームの切り替え", "Switch platform"),
    CurrentPlatform => ("表示中のプラットフォーム", "Current platform"),
    ParentPlatform => ("上位のプラットフォーム", "Parent platform"),
    FiscalYearNow => ("今年度", "This fiscal year"),
    Secretariat => ("事務局", "Secretariat"),
    Members => ("構成員", "Members"),
    Observers => ("オブザーバー", "Observers"),
    NoMembers => ("登録されている構成員はまだいません。", "No members are registered yet."),
    FilterMembers => ("機関・団体名で絞り込み", "Filter by organisation name"),
    FilterNoMatch => ("条件に一致する機関・団体はありません。", "No organisation matches the filter."),
    MembersShown => ("件を表示", "shown"),

    Invitations => ("招待", "Invitations"),
    InviteTitle => ("新しい利用者を招待", "Invite a person"),
    InviteEmail => ("招待する人のメールアドレス", "Invitee's email address"),
    InviteRole => ("役割", "Role"),
    InviteOrganisation => ("所属する機関・団体", "Organisation"),
    InviteSubmit => ("招待リンクを作成", "Create invitation link"),
    InviteCreated => ("招待リンクを作成しました。7日間、1回だけ使えます。招待する人に伝えてください。",
                      "The invitation link is ready. It works once, for 7 days. Pass it to the invitee."),
    InviteList => ("招待の一覧", "Invitations sent"),
    InviteNone => ("まだ招待はありません。", "No invitations yet."),
    InviteExpires => ("有効期限", "Expires"),
    InviteStatusHeading => ("状態", "Status"),
    InviteInvalidEmail => ("メールアドレスの形式が正しくありません。", "This email address is not valid."),
    InviteFailed => ("招待を作成できませんでした。", "The invitation could not be created."),
    Users => ("利用者", "People"),
    UsersTitle => ("利用者と役割", "People and roles"),
    UsersIntro => ("このプラットフォームで役割を持つ人です。役割を取り消すか利用を停止すると、その人はすぐにサインアウトされ、見られなくなった記録は端末からも消えます。",
                   "The people holding a role on this platform. Revoking a role or disabling an account signs the person out at once, and records they may no longer see are removed from their devices too."),
    UsersNone => ("このプラットフォームで役割を持つ人はいません。", "Nobody holds a role on this platform."),
    UserName => ("氏名", "Name"),
    UserRoles => ("役割", "Roles"),
    UserAccount => ("アカウント", "Account"),
    UserActive => ("利用中", "Active"),
    UserDisabled => ("停止中", "Disabled"),
    RevokeRole => ("取り消す", "Revoke"),
    DisableUser => ("利用を停止する", "Disable account"),
    EnableUser => ("利用を再開する", "Enable account"),
    ConfirmAction => ("確認しました", "I confirm"),
    RevokeDone => ("役割を取り消しました。", "The role was revoked."),
    DisableDone => ("アカウントの利用を停止しました。", "The account was disabled."),
    EnableDone => ("アカウントの利用を再開しました。", "The account was enabled."),
    ErrorConfirmRequired => ("実行する前に「確認しました」にチェックしてください。", "Tick “I confirm” before going ahead."),
    ErrorLastCoordinator => ("最後の事務局担当者は外せません。先に他の人に事務局担当者の役割を付けてください。",
                             "A platform keeps at least one coordinator: give the role to someone else first."),
    ErrorCannotDisableSelf => ("自分のアカウントは停止できません。", "You cannot disable your own account."),
    ErrorUserActionFailed => ("変更できませんでした。", "The change could not be made."),
    SessionEndedByCoordinator => ("役割が変わったためサインアウトしました。もう一度サインインしてください。",
                           "You were signed out because your roles changed. Please sign in again."),
    SignInAccountDisabled => ("このアカウントは利用が停止されています。所属するプラットフォームの事務局にお問い合わせください。",
                              "This account has been disabled. Ask your platform's secretariat."),
    StatusPending => ("未使用", "Pending"),
    StatusAccepted => ("登録済み", "Accepted"),
    StatusExpired => ("期限切れ", "Expired"),

    AcceptTitle => ("Kakehashiへの招待", "Your invitation to Kakehashi"),
    AcceptIntro => ("次の内容で招待されています。", "You have been invited as follows."),
    AcceptPlatform => ("プラットフォーム", "Platform"),
    DisplayName => ("表示名（氏名または担当名）", "Display name"),
    NewPassword => ("パスワード（12文字以上）", "Password (at least 12 characters)"),
    ConfirmPassword => ("パスワード（確認）", "Confirm password"),
    AcceptSubmit => ("登録する", "Register"),
    AcceptExisting => ("このメールアドレスは登録済みです。招待を受けると、この役割が追加されます。",
                       "This email address already has an account. Accepting adds this role to it."),
    AcceptExistingSubmit => ("招待を受ける", "Accept invitation"),
    InvitationInvalid => ("この招待リンクは無効か、期限切れか、すでに使われています。",
                          "This invitation link is invalid, expired or already used."),
    PasswordTooShort => ("パスワードは12文字以上にしてください。", "The password must be at least 12 characters."),
    PasswordsDiffer => ("確認用のパスワードが一致しません。", "The two passwords do not match."),
    DisplayNameMissing => ("表示名を入力してください。", "Enter a display name."),

    Threads => ("連絡調整", "Liaison threads"),
    NewThread => ("新しいスレッドを作成", "Start a thread"),
    Subject => ("件名", "Subject"),
    ParticipantPlatforms => ("参加するプラットフォーム", "Participating platforms"),
    FirstMessage => ("最初のメッセージ（任意）", "First message (optional)"),
    CreateThread => ("スレッドを作成", "Create thread"),
    SearchThreads => ("件名・本文を検索", "Search subjects and messages"),
    SearchSubmit => ("検索", "Search"),
    StateFilter => ("状態", "State"),
    StateAll => ("すべて", "All"),
    StateOpen => ("対応中", "Open"),
    StateResolved => ("解決済み", "Resolved"),
    StateReopened => ("再開", "Reopened"),
    UnreadCount => ("未読", "unread"),
    NoThreads => ("該当するスレッドはありません。", "No threads match."),
    ThreadList => ("スレッド一覧", "Threads"),
    Participants => ("参加者", "Participants"),
    MessagesHeading => ("メッセージ", "Messages"),
    NoMessages => ("まだメッセージはありません。", "No messages yet."),
    Edited => ("編集済み", "edited"),
    DeletedMessage => ("（このメッセージは削除されました）", "(This message was deleted.)"),
    ReadReceipt => ("既読", "Read by"),
    MessageLabel => ("メッセージ", "Message"),
    SendMessage => ("送信", "Send"),
    LiveUpdates => ("新しいメッセージは自動で表示されます。", "New messages appear automatically."),
    ThreadInvalidSubject => ("件名を1〜200文字で入力してください。", "Enter a subject of 1 to 200 characters."),
    ThreadInvalidPlatforms => ("参加するプラットフォームを1つ以上選んでください（自分のプラットフォームを含めてください）。",
                               "Choose one or more platforms, including your own."),
    ThreadInvalidBody => ("メッセージを入力してください（10,000文字まで）。", "Write a message (up to 10,000 characters)."),
    OfflineNotice => ("オフラインです。書いた内容はこの端末に保存され、接続が戻ると自動で送信されます。",
                      "You are offline. What you write is kept on this device and sent when the connection returns."),
    PollingNotice => ("リアルタイム接続ができないため、10秒ごとに更新を確認しています。",
                      "A live connection is not possible here, so updates are checked every 10 seconds."),
    SessionEndedNotice => ("ログインの有効期限が切れました。送信待ちの内容はこの端末に残っています。再度ログインすると送信されます。",
                           "Your session has ended. Pending writes are kept on this device and are sent after you sign in again."),
    SignInAgain => ("再度ログイン", "Sign in again"),
    PendingWrites => ("送信待ち", "Waiting to be sent"),
    PendingBadge => ("送信待ち", "pending"),
    WriteRefused => ("送信できませんでした", "Could not be sent"),
    Dismiss => ("閉じる", "Dismiss"),
    ThreadGone => ("このスレッドは表示できなくなりました。", "This thread is no longer available to you."),
    UnreadInNav => ("件の未読", "unread"),
    ThreadStateHeading => ("対応状況", "Status"),
    ResolutionNote => ("解決内容のメモ", "How it was resolved"),
    ResolveThread => ("解決済みにする", "Mark as resolved"),
    ReopenThread => ("再開する", "Reopen"),
    ResolutionNoteRequired => ("解決内容を入力してください。", "Say how the matter was resolved."),
    InvalidTransition => ("このスレッドの状態はすでに変更されています。", "This thread's status has already changed."),
    ParticipantOrganisations => ("参加する団体（任意）", "Participating organisations (optional)"),
    ThreadInvalidOrganisations => ("参加する団体は、県内ネットワークの構成団体から選んでください。",
                                   "Choose organisations of your prefectural network."),
    PlatformFilter => ("プラットフォーム", "Platform"),
    PlatformAll => ("すべて", "All"),
    MineFilter => ("自分が作成したスレッド", "Threads I started"),
    MentionsFilter => ("自分宛てのメンションがあるスレッド", "Threads that mention me"),
    LeftThread => ("自分のプラットフォームを参加者から外したため、このスレッドは表示されなくなりました。",
                   "You removed your own platform, so the thread is no longer shown to you."),
    ManageParticipants => ("参加者の変更", "Change participants"),
    SaveParticipants => ("参加者を保存", "Save participants"),
    ParticipantsSummary => ("参加者の変更", "Change participants"),
    EditMessage => ("編集", "Edit"),
    SaveEdit => ("保存", "Save"),
    DeleteMessage => ("削除", "Delete"),
    ConfirmDelete => ("このメッセージを削除しますか？削除した旨は残ります。",
                      "Delete this message? A note that it was deleted stays."),
    ConfirmDeleteSubmit => ("削除する", "Delete it"),
    EditedMessageLabel => ("メッセージの編集", "Edit the message"),
    EditWindowClosed => ("投稿から15分を過ぎたメッセージは編集できません。", "Messages can be edited for 15 minutes after posting."),
    MessageWasDeleted => ("このメッセージは削除されています。", "This message has been deleted."),
    OlderMessages => ("以前のメッセージ", "Older messages"),
    NewestMessages => ("最新のメッセージへ", "To the newest messages"),
    EditConflict => ("ほかの人が同時に変更しました。読み込み直してから、もう一度変更してください。",
        "Someone changed this at the same moment: load it again and repeat your change."),
    WriteStuck => ("この書き込みはサーバーで処理中のまま終わりませんでした。内容を確かめて、もう一度書いてください。",
        "This write stayed in progress on the server and never finished: check it and write it again."),
    AttachmentsHeading => ("添付ファイル", "Attachments"),
    NoAttachments => ("添付ファイルはありません。", "No attachments."),
    AttachFile => ("ファイルを添付", "Attach a file"),
    AttachFileHint => ("PDF、Office文書、画像（20MBまで）。内容で種類を確認します。",
                       "PDF, Office documents or images, up to 20 MB. The type is checked from the content."),
    UploadFile => ("アップロード", "Upload"),
    FileExecutable => ("実行ファイルは添付できません（ファイル名にかかわらず内容で判定しています）。",
                       "Programs cannot be attached (judged by content, whatever the name says)."),
    FileType => ("この種類のファイルは添付できません。PDF、Office文書、画像を使ってください。",
                 "Files of this type cannot be attached: use PDF, Office documents or images."),
    FileEmpty => ("ファイルが空です。", "The file is empty."),
    FileTooLarge => ("ファイルが大きすぎます（20MBまで）。", "The file is too large (up to 20 MB)."),
    FileMissing => ("ファイルを選んでください。", "Choose a file."),
    UploadedBy => ("登録者", "Uploaded by"),
    Notifications => ("通知", "Notifications"),
    NotificationsInNav => ("件の未読通知", "unread notifications"),
    NoNotifications => ("通知はありません。", "No notifications."),
    MentionedYou => ("さんがあなたをメンションしました", " mentioned you"),
    MarkRead => ("既読にする", "Mark as read"),
    OutreachSubmittedNote => ("さんが依頼を提出しました", " submitted a request"),
    OutreachRoutedNote => ("さんが貴団体に依頼を振り分けました", " routed a request to your organisation"),
    OutreachAnsweredNote => ("さんが依頼に回答しました", " answered a request"),
    OutreachReturnedNote => ("さんが依頼を差し戻しました", " returned a request"),
    OutreachDeclinedNote => ("さんが依頼を辞退しました", " declined a request"),
    MarkAllRead => ("すべて既読にする", "Mark all as read"),
    NotificationUnread => ("未読", "unread"),
    Outreach => ("依頼", "Requests"),
    Practices => ("好事例", "Good practices"),
    PracticesHeading => ("好事例ライブラリ", "Good-practice library"),
    PracticeSearchWords => ("キーワード", "Words"),
    PracticeSearchButton => ("検索", "Search"),
    NewPractice => ("好事例を書く", "Write a practice"),
    EditPractice => ("好事例を編集", "Edit the practice"),
    PracticeHits => ("件の好事例", "practices"),
    NoPracticesFound => ("該当する好事例はありません。", "No practice matches."),
    DropFilterOffer => ("次の条件を外すと見つかります：", "Found without one of the filters:"),
    RemoveFilter => ("条件を外す", "Remove the filter"),
    FacetTargetGroup => ("対象", "Target group"),
    FacetTag => ("タグ", "Tag"),
    FacetArea => ("地域", "Area"),
    FacetPlatform => ("プラットフォーム", "Platform"),
    FacetYear => ("年度", "Fiscal year"),
    FacetWords => ("キーワード", "Words"),
    FacetFeatured => ("周知中のみ", "Featured only"),
    NarrowDown => ("絞り込み", "Narrow down"),
    FeaturedBadge => ("周知中", "Featured"),
    FeaturedHeading => ("県からの周知：好事例", "Featured good practices"),
    FeaturePractice => ("ネットワークに周知する", "Feature across the network"),
    UnfeaturePractice => ("周知をやめる", "Stop featuring"),
    AdoptPractice => ("参考にした", "We are trying this"),
    AdoptedByUs => ("参考にしました", "Marked: we are trying this"),
    AdoptionCount => ("参考にしたプラットフォーム数", "Platforms trying it"),
    AdoptionsHeading => ("参考にしたプラットフォーム", "Who is trying it"),
    AdoptionNote => ("ひとこと（任意）", "Note (optional)"),
    PracticeComments => ("コメント", "Comments"),
    PostComment => ("コメントする", "Post the comment"),
    NoComments => ("コメントはまだありません。", "No comments yet."),
    TakeBackComment => ("取り消す", "Take back"),
    VersionHistory => ("変更履歴", "Version history"),
    VersionLabel => ("版", "Version"),
    ChangedFields => ("変更した項目", "What changed"),
    ChangedBy => ("変更した人", "Changed by"),
    FieldSummary => ("概要", "Summary"),
    FieldPracticeBody => ("本文（Markdown で書けます）", "Body (Markdown)"),
    FieldTags => ("タグ（読点・スペース区切り）", "Tags (separated by commas or spaces)"),
    FieldPeriod => ("実施期間（例：令和6年度）", "Period (e.g. FY2024)"),
    FieldResults => ("成果（数値と単位）", "Results (figures with units)"),
    ResultLabel => ("項目", "Measure"),
    ResultValue => ("数値", "Figure"),
    ResultUnit => ("単位", "Unit"),
    FieldContact => ("問い合わせ先の団体", "Contact organisation"),
    NoContact => ("指定しない", "None"),
    FieldVisibility => ("公開範囲", "Visibility"),
    VisibilityPlatform => ("自プラットフォームのみ", "This platform only"),
    VisibilityNetwork => ("県内のネットワーク", "The prefectural network"),
    VisibilityPublic => ("一般公開（ポータル）", "Public (portal)"),
    FieldStatus => ("状態", "Status"),
    StatusDraft => ("下書き", "Draft"),
    StatusPublished => ("公開", "Published"),
    SavePractice => ("保存する", "Save"),
    PracticeSavedInOutbox => ("送信待ちに保存しました。接続が戻ると送られます。", "Kept in the outbox: it is sent when the connection is back."),
    InvalidPracticeField => ("入力を確認してください（題名は必須、成果は数値で）。", "Please check the fields (a title is needed; results need a figure)."),
    PracticeNotShared => ("ネットワークに公開された好事例だけを周知できます。", "Only a practice published to the network can be featured."),
    OwnPractice => ("自プラットフォームの好事例は「参考にした」にできません。", "A platform does not adopt its own practice."),
    BackToLibrary => ("好事例ライブラリへ", "Back to the library"),
    UpdatedAt => ("更新", "Updated"),
    WrittenBy => ("作成", "Written by"),
    RemoveAttachment => ("削除", "Remove"),
    ToDoHeading => ("いま対応が必要なこと", "What needs you now"),
    ToDoMentions => ("未読のメンション", "Unread mentions"),
    ToDoAwaiting => ("あなたの対応を待っている依頼", "Requests waiting for your step"),
    ToDoOverdue => ("期限を過ぎた依頼", "Requests past their deadline"),
    ToDoNothing => ("いま対応が必要なものはありません。", "Nothing is waiting for you now."),
    ToDoAllNotifications => ("すべての通知を見る", "See all notifications"),
    ToDoAllRequests => ("すべての依頼を見る", "See all requests"),
    ToDoUnreadMessages => ("未読メッセージ", "Unread messages"),
    ToDoUnreadThreads => ("スレッド数", "threads"),
    OutreachTitle => ("働きかけ・受け入れ先開拓の依頼", "Outreach and placement requests"),
    OutreachNeedsActionInNav => ("件の要対応", "need your action"),
    OutreachOverdueInNav => ("件の期限超過", "overdue"),
    ExportXlsx => ("Excel形式で出力（.xlsx）", "Export as Excel (.xlsx)"),
    ExportCsv => ("CSV形式で出力", "Export as CSV"),
    NewOutreach => ("新しい依頼を作成", "Draft a request"),
    EditOutreach => ("依頼を編集", "Edit the request"),
    OutreachList => ("依頼一覧", "Requests"),
    NoOutreach => ("該当する依頼はありません。", "No requests match."),
    OverdueOnly => ("期限超過のみ", "Overdue only"),
    Overdue => ("期限超過", "Overdue"),
    NeedsAction => ("要対応", "Needs your action"),
    KindFilter => ("種類", "Kind"),
    CountsByState => ("状態別の件数", "Requests by state"),
    CountsByOrganisation => ("団体別の状況", "By organisation"),
    Organisation => ("団体", "Organisation"),
    Count => ("件数", "Count"),
    PreviousPage => ("前へ", "Previous"),
    NextPage => ("次へ", "Next"),
    KindPlacementDevelopment => ("受け入れ先の開拓", "Opening workplaces"),
    KindAccommodation => ("雇用にあたって必要な配慮", "Accommodations at work"),
    KindConnection => ("つながり作り", "Making connections"),
    KindRecruitmentEvent => ("面接会・説明会", "Interview or information event"),
    GroupUnstable => ("不安定な就労状態にある方", "People in unstable employment"),
    GroupLongTerm => ("長期にわたり無業の状態にある方", "People long out of work"),
    GroupSocial => ("社会参加に向けた支援を必要とする方", "People needing support towards social participation"),
    AccShortHours => ("短時間勤務", "Short hours"),
    AccFlexible => ("勤務日・時間の柔軟な調整", "Flexible days and hours"),
    AccGradual => ("段階的な勤務開始", "A gradual start"),
    AccQuiet => ("静かな作業環境", "A quiet workspace"),
    AccWritten => ("指示の文書化", "Written instructions"),
    AccMentor => ("職場での相談相手", "A mentor at work"),
    AccJobCoach => ("ジョブコーチ等の支援", "A job coach"),
    AccCommute => ("通勤への配慮", "Help with commuting"),
    OStateDraft => ("下書き", "Draft"),
    OStateSubmitted => ("提出済み", "Submitted"),
    OStateRouted => ("振り分け済み", "Routed"),
    OStateReturned => ("差し戻し", "Returned"),
    OStateAnswered => ("回答あり", "Answered"),
    OStateDeclined => ("辞退", "Declined"),
    OStateClosed => ("完了", "Closed"),
    OStateWithdrawn => ("取り下げ", "Withdrawn"),
    TStatusPending => ("未対応", "Pending"),
    TStatusAcknowledged => ("対応中", "Acknowledged"),
    TStatusAnswered => ("回答済み", "Answered"),
    TStatusDeclined => ("辞退", "Declined"),
    ActSubmit => ("提出する", "Submit"),
    ActRoute => ("振り分ける", "Route"),
    ActReturn => ("差し戻す", "Return"),
    ActAcknowledge => ("対応を開始する", "Acknowledge"),
    ActDecline => ("辞退する", "Decline"),
    ActClose => ("完了にする", "Close"),
    ActWithdraw => ("取り下げる", "Withdraw"),
    StepCreated => ("作成", "Created"),
    StepEdited => ("編集", "Edited"),
    StepAnswered => ("回答", "Answered"),
    StepSubmit => ("提出", "Submitted"),
    StepRoute => ("振り分け", "Routed"),
    StepReturn => ("差し戻し", "Returned"),
    StepAcknowledge => ("対応開始", "Acknowledged"),
    StepDecline => ("辞退", "Declined"),
    StepClose => ("完了", "Closed"),
    StepWithdraw => ("取り下げ", "Withdrawn"),
    FieldKind => ("依頼の種類", "Kind of request"),
    FieldTitle => ("件名", "Title"),
    FieldDescription => ("依頼の内容", "What is asked"),
    FieldTargetGroups => ("対象者", "Target groups"),
    FieldArea => ("地域", "Area"),
    FieldAgeBand => ("年齢帯（例: 40-44）", "Age band (e.g. 40-44)"),
    FieldDesiredWork => ("希望する仕事", "Work wanted"),
    FieldHours => ("勤務時間（例: 週20時間）", "Hours (e.g. 20 a week)"),
    FieldAccommodations => ("必要な配慮", "Accommodations needed"),
    FieldAccommodationsNote => ("その他の配慮", "Other accommodations"),
    FieldStart => ("就労開始の時期", "When work could start"),
    FieldPeople => ("人数", "Number of people"),
    FieldDeadline => ("回答期限", "Deadline"),
    FieldSuggested => ("依頼先の希望（任意）", "Organisations it should go to (optional)"),
    FieldPlatform => ("依頼元のプラットフォーム", "Requesting platform"),
    ProfileHeading => ("対象となる方（個人を特定しない情報）", "Who it is for (nothing that identifies a person)"),
    ProfileHint => ("氏名・連絡先・住所など個人を特定できる情報は入力しないでください。", "Do not enter names, contact details, addresses or anything else that identifies a person."),
    SaveDraft => ("下書きを保存", "Save draft"),
    SaveChanges => ("変更を保存", "Save changes"),
    PersonalDataFound => ("個人を特定できる情報が含まれているようです。保存する前に削除してください。", "This looks like personal data. Remove it before saving."),
    PdPhone => ("電話番号", "a phone number"),
    PdEmail => ("メールアドレス", "an e-mail address"),
    PdIndividualNumber => ("マイナンバー（個人番号）", "a My Number (individual number)"),
    PdAddress => ("番地まで含む住所", "a street address with block or house numbers"),
    PersonalDataRefused => ("個人を特定できる情報が含まれているため保存できませんでした。", "Not saved: it contains what looks like personal data."),
    InvalidOutreachField => ("入力内容を確認してください（必須項目・文字数・数値の範囲）。", "Check the fields (required ones, lengths, number ranges)."),
    InvalidDeadline => ("回答期限を日付で入力してください。", "Enter the deadline as a date."),
    CommentRequired => ("理由・コメントを入力してください。", "Give a reason or comment."),
    OutcomeRequired => ("結果を入力してください。", "Record the outcome."),
    AlreadyRouted => ("選んだ団体にはすでに振り分け済みです。", "It already went to the organisations chosen."),
    InvalidOutreachPlatform => ("依頼は市町村プラットフォームの担当者が作成します。", "Requests are drafted by staff of a municipal platform."),
    RequestSection => ("依頼の内容", "The request"),
    AddressedSection => ("依頼先の状況", "Where each organisation stands"),
    ResponsesSection => ("回答", "Answers"),
    NoResponses => ("まだ回答はありません。", "No answers yet."),
    TimelineSection => ("経過", "Timeline"),
    ActionsSection => ("操作", "Steps"),
    NotRoutedYet => ("まだ振り分けられていません。", "Not routed yet."),
    Reason => ("理由", "Reason"),
    Comment => ("コメント", "Comment"),
    RouteTo => ("振り分け先の団体", "Organisations to route to"),
    OutcomePlacements => ("就職に至った人数", "Placements made"),
    OutcomeNote => ("結果のメモ", "Outcome note"),
    OutcomeLabel => ("結果", "Outcome"),
    AnswerSection => ("回答する", "Answer"),
    AnswerBody => ("回答内容", "Answer"),
    PlacementsOffered => ("受け入れ可能な人数", "Places offered"),
    CompanyName => ("企業名", "Company"),
    CompanySector => ("業種", "Sector"),
    CompanyArea => ("所在地域", "Area"),
    CompanyN => ("紹介する企業", "Company"),
    Conditions => ("条件", "Conditions"),
    NextSteps => ("今後の進め方", "Next steps"),
    SendAnswer => ("回答を送信", "Send answer"),
    Requester => ("依頼元", "Requested by"),
    People => ("名", " people"),
    Gregorian => ("西暦", "Gregorian"),
    KindPrefectural => ("都道府県プラットフォーム", "Prefectural platform"),
    KindMunicipal => ("市町村プラットフォーム", "Municipal platform"),
    CategoryEconomic => ("経済団体", "Economic organisations"),
    CategoryLabour => ("労働団体", "Labour organisations"),
    CategorySupport => ("支援機関", "Support institutions"),
    CategoryMunicipal => ("市町村", "Municipalities"),
    CategoryGovernment => ("行政", "Government"),
    StandingMember => ("構成員", "Member"),
    StandingObserver => ("オブザーバー", "Observer"),
    SecretariatLead => ("事務局（主担当）", "Secretariat (lead)"),
    SecretariatDeputy => ("事務局（副担当）", "Secretariat (deputy)"),
    RoleCoordinator => ("事務局担当者", "Coordinator"),
    RoleStaff => ("担当職員", "Staff"),
    RoleResponder => ("回答担当者（経済団体）", "Responder"),
    RoleObserver => ("オブザーバー", "Observer"),
    RoleAdmin => ("管理者", "Administrator"),
    Kpis => ("KPI", "KPIs"),
    KpisHeading => ("KPI・進捗管理", "KPIs and progress"),
    KpisLead => ("ネットワークの数値目標と、構成員から報告された実績の合計です。数値の横に計算式を示します。", "The network's targets and the sum of the figures its members report. The arithmetic is shown beside each figure."),
    NewKpi => ("KPIを設定する", "Define a KPI"),
    EditKpi => ("KPIを編集", "Edit the KPI"),
    NoKpis => ("まだKPIはありません。", "No KPIs yet."),
    BackToKpis => ("KPI一覧へ", "Back to the KPIs"),
    KpiSaved => ("保存しました。", "Saved."),
    KpiName => ("KPI名", "KPI"),
    KpiKind => ("種類", "Kind"),
    KpiKindOutput => ("アウトプット", "Output"),
    KpiKindOutcome => ("アウトカム", "Outcome"),
    KpiDirectionField => ("評価の向き", "Direction"),
    KpiHigherIsBetter => ("多いほどよい", "Higher is better"),
    KpiLowerIsBetter => ("少ないほどよい", "Lower is better"),
    KpiAccumulationField => ("集計方法", "Counting"),
    KpiCumulative => ("計画期間の累計", "Cumulative over the period"),
    KpiAnnual => ("年度ごと", "Each year on its own"),
    KpiPeriodicityField => ("報告の単位", "Reported"),
    KpiPerFiscalYear => ("年度ごと", "Per fiscal year"),
    KpiPerQuarter => ("四半期ごと", "Per quarter"),
    KpiDefinitionField => ("定義・集計方法", "Definition and counting basis"),
    KpiUnit => ("単位", "Unit"),
    KpiPlatform => ("プラットフォーム", "Platform"),
    KpiPeriod => ("計画期間", "Plan period"),
    KpiPeriodStart => ("開始年度", "First fiscal year"),
    KpiPeriodEnd => ("終了年度", "Last fiscal year"),
    KpiPeriodTarget => ("期間の目標値", "Period target"),
    KpiYearTargets => ("年度ごとの目標値（任意）", "Targets per fiscal year (optional)"),
    KpiBaseline => ("基準値", "Baseline"),
    KpiBaselineValue => ("基準値（数値）", "Baseline figure"),
    KpiSource => ("出典", "Source"),
    KpiContributors => ("実績を報告する団体", "Reporting organisations"),
    KpiContributor => ("団体", "Organisation"),
    KpiThreshold => ("「注意」とする達成率の下限（%）", "At risk from (% of target)"),
    KpiLatestYear => ("最新の年度", "Latest year"),
    KpiActual => ("実績", "Actual"),
    KpiTarget => ("目標", "Target"),
    KpiTargetToDate => ("目標（その年度まで）", "Target to date"),
    KpiCumulativeActual => ("累計実績", "Cumulative actual"),
    KpiAchievement => ("達成率", "Achieved"),
    KpiProgress => ("進捗", "Progress"),
    KpiReported => ("報告済み団体", "Reported"),
    KpiQuarters => ("四半期", "Quarters"),
    KpiQuarter => ("四半期", "Quarter"),
    KpiChartHeading => ("目標と実績の推移", "Target and actuals by year"),
    KpiTableCaption => ("年度別の実績と目標（グラフと同じ数値）", "Actuals and targets by year (the chart's numbers)"),
    KpiSharesHeading => ("団体別の実績", "Shares by organisation"),
    KpiNoShares => ("まだ実績の報告はありません。", "No figures reported yet."),
    KpiValue => ("実績値", "Figure"),
    KpiNote => ("備考", "Note"),
    KpiShareState => ("公表", "Published"),
    KpiSharePublished => ("公表済み", "Published"),
    KpiShareUnpublished => ("未公表（事務局と報告団体のみ）", "Not published (secretariat and reporter only)"),
    KpiCorrect => ("修正", "Correct"),
    EnterShare => ("実績を報告する", "Report a figure"),
    PublishKpi => ("ネットワークに公開する", "Publish to the network"),
    PublishActuals => ("の実績を公表する", "publish the figures"),
    KpiNotContributor => ("この団体はこのKPIの報告団体ではありません。", "This organisation does not report to this KPI."),
    KpiInvalidField => ("入力内容を確認してください（年度は計画期間内、数値は半角数字）。", "Check the entry (a fiscal year of the period, figures as numbers)."),
    NotReported => ("未報告", "not reported"),
    FiscalYearHeading => ("年度", "Fiscal year"),
    ProgressOnTrack => ("順調", "On track"),
    ProgressAtRisk => ("注意", "At risk"),
    ProgressBehind => ("遅れ", "Behind"),
    ProgressNoData => ("データなし", "No data"),
    Save => ("保存", "Save"),
}

pub fn outreach_kind_key(kind: OutreachKind) -> Key {
    match kind {
        OutreachKind::PlacementDevelopment => Key::KindPlacementDevelopment,
        OutreachKind::Accommodation => Key::KindAccommodation,
        OutreachKind::Connection => Key::KindConnection,
        OutreachKind::RecruitmentEvent => Key::KindRecruitmentEvent,
    }
}

pub fn target_group_key(group: TargetGroup) -> Key {
    match group {
        TargetGroup::UnstableEmployment => Key::GroupUnstable,
        TargetGroup::LongTermUnemployed => Key::GroupLongTerm,
        TargetGroup::SocialParticipation => Key::GroupSocial,
    }
}

pub fn accommodation_key(a: Accommodation) -> Key {
    match a {
        Accommodation::ShortHours => Key::AccShortHours,
        Accommodation::FlexibleSchedule => Key::AccFlexible,
        Accommodation::GradualStart => Key::AccGradual,
        Accommodation::QuietWorkspace => Key::AccQuiet,
        Accommodation::WrittenInstructions => Key::AccWritten,
        Accommodation::WorkplaceMentor => Key::AccMentor,
        Accommodation::JobCoach => Key::AccJobCoach,
        Accommodation::Commute => Key::AccCommute,
    }
}

pub fn outreach_state_key(state: OutreachState) -> Key {
    match state {
        OutreachState::Draft => Key::OStateDraft,
        OutreachState::Submitted => Key::OStateSubmitted,
        OutreachState::Routed => Key::OStateRouted,
        OutreachState::Returned => Key::OStateReturned,
        OutreachState::Answered => Key::OStateAnswered,
        OutreachState::Declined => Key::OStateDeclined,
        OutreachState::Closed => Key::OStateClosed,
        OutreachState::Withdrawn => Key::OStateWithdrawn,
    }
}

pub fn recipient_status_key(status: RecipientStatus) -> Key {
    match status {
        RecipientStatus::Pending => Key::TStatusPending,
        RecipientStatus::Acknowledged => Key::TStatusAcknowledged,
        RecipientStatus::Answered => Key::TStatusAnswered,
        RecipientStatus::Declined => Key::TStatusDeclined,
    }
}

pub fn kind_key(kind: PlatformKind) -> Key {
    match kind {
        PlatformKind::Prefectural => Key::KindPrefectural,
        PlatformKind::Municipal => Key::KindMunicipal,
    }
}

pub fn category_key(category: MemberCategory) -> Key {
    match category {
        MemberCategory::Economic => Key::CategoryEconomic,
        MemberCategory::Labour => Key::CategoryLabour,
        MemberCategory::Support => Key::CategorySupport,
        MemberCategory::Municipal => Key::CategoryMunicipal,
        MemberCategory::Government => Key::CategoryGovernment,
    }
}

pub fn standing_key(standing: Standing) -> Key {
    match standing {
        Standing::Member => Key::StandingMember,
        Standing::Observer => Key::StandingObserver,
    }
}

pub fn secretariat_key(role: SecretariatRole) -> Key {
    match role {
        SecretariatRole::Lead => Key::SecretariatLead,
        SecretariatRole::Deputy => Key::SecretariatDeputy,
    }
}

pub fn role_key(role: Role) -> Key {
    match role {
        Role::Coordinator => Key::RoleCoordinator,
        Role::Staff => Key::RoleStaff,
        Role::Responder => Key::RoleResponder,
        Role::Observer => Key::RoleObserver,
        Role::Admin => Key::RoleAdmin,
    }
}

pub fn invitation_status_key(status: InvitationStatus) -> Key {
    match status {
        InvitationStatus::Pending => Key::StatusPending,
        InvitationStatus::Accepted => Key::StatusAccepted,
        InvitationStatus::Expired => Key::StatusExpired,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_text_in_both_languages() {
        for key in Key::ALL {
            assert!(!t(Lang::Ja, *key).is_empty(), "{key:?} has no Japanese");
            assert!(!t(Lang::En, *key).is_empty(), "{key:?} has no English");
        }
    }

    #[test]
    fn japanese_is_the_default() {
        assert_eq!(Lang::from_cookie_header(""), Lang::Ja);
        assert_eq!(Lang::from_cookie_header("a=b; kakehashi_lang=en"), Lang::En);
        assert_eq!(Lang::from_cookie_header("kakehashi_lang=fr"), Lang::Ja);
    }
}
