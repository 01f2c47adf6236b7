//! The states stored rows move through, and the kinds they are of: one spelling per value in
//! the database, exhaustive matches in the code. The store reads a value the code does not know
//! as an error naming the row, never as a default.

crate::spelled_enum! {
    /// Where a carousel workflow is. `AwaitingStyle` waits for the user's button; the four running
    /// states are resumed after a restart (or by another replica when the lease expires);
    /// `Reviewing` holds a written draft until the user renders, edits or rewrites it (or it
    /// expires); the last four are final.
    #[derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
    #[diesel(sql_type = diesel::sql_types::Text)]
    #[serde(rename_all = "snake_case")]
    #[strum(serialize_all = "snake_case")]
    pub enum WorkflowState as "workflow state" {
        AwaitingStyle,
        Requested,
        Writing,
        Reviewing,
        Rendering,
        Sending,
        Done,
        Failed,
        Cancelled,
        /// A draft nobody rendered within the review time.
        Expired,
    }
}

crate::spelled_enum! {
    /// Lifecycle of a received update: recorded before the webhook answers 200 — `Claimed` (with
    /// this replica's lease) when handed straight to the gateway, `Pending` when the gateway's
    /// backlog was full — then marked once the gateway has handled (or deliberately ignored) it. A
    /// pending update, or a claimed one whose lease expired, is claimed by whichever replica sweeps
    /// first.
    #[derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
    #[diesel(sql_type = diesel::sql_types::Text)]
    #[serde(rename_all = "snake_case")]
    #[strum(serialize_all = "snake_case")]
    pub enum UpdateStatus as "update status" {
        Pending,
        Claimed,
        Done,
        Ignored,
        /// Past the user's update limit: recorded, not answered (one "slow down" per window).
        Limited,
        /// From a user outside `ALLOWED_USER_IDS`: recorded, answered with one refusal ever.
        Refused,
        Failed,
    }
}

crate::spelled_enum! {
    /// An outbox row: `Pending` (due at `next_attempt_at`) → `Sending` (claimed with a lease) →
    /// `Sent` (with Telegram's message ids) or `Failed` (refused, or out of attempts).
    #[derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
    #[diesel(sql_type = diesel::sql_types::Text)]
    #[serde(rename_all = "snake_case")]
    #[strum(serialize_all = "snake_case")]
    pub enum OutboxStatus as "outbox status" {
        Pending,
        Sending,
        Sent,
        Failed,
    }
}

crate::spelled_enum! {
    /// What an outbox row sends: a message (text, keyboard, status), one part of a carousel's
    /// album (up to ten photos or files), or a carousel's PDF.
    #[derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
    #[diesel(sql_type = diesel::sql_types::Text)]
    #[serde(rename_all = "snake_case")]
    #[strum(serialize_all = "snake_case")]
    pub enum OutboxKind as "outbox kind" {
        Message,
        AlbumPart,
        /// A draft's first slide with the review buttons.
        Preview,
        Pdf,
    }
}

crate::spelled_enum! {
    /// Who wrote a carousel or an answer: the model, or the offline writer and why it stood in
    /// (the model's failure itself is in the logs).
    #[derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
    #[diesel(sql_type = diesel::sql_types::Text)]
    #[serde(rename_all = "snake_case")]
    #[strum(serialize_all = "snake_case")]
    pub enum ContentOrigin as "content origin" {
        Model,
        #[serde(rename = "offline:no_api_key")]
        #[strum(serialize = "offline:no_api_key")]
        OfflineNoApiKey,
        #[serde(rename = "offline:model_failed")]
        #[strum(serialize = "offline:model_failed")]
        OfflineModelFailed,
        #[serde(rename = "offline:circuit_open")]
        #[strum(serialize = "offline:circuit_open")]
        OfflineCircuitOpen,
    }
}

crate::spelled_enum! {
    /// Telegram's name for the kind of a received update (the field of `Update` that is set);
    /// `Unknown` for one this build's Bot API types do not know.
    #[derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
    #[diesel(sql_type = diesel::sql_types::Text)]
    #[serde(rename_all = "snake_case")]
    #[strum(serialize_all = "snake_case")]
    pub enum UpdateType as "update type" {
        Message,
        EditedMessage,
        ChannelPost,
        EditedChannelPost,
        BusinessConnection,
        BusinessMessage,
        EditedBusinessMessage,
        DeletedBusinessMessages,
        MessageReaction,
        MessageReactionCount,
        InlineQuery,
        ChosenInlineResult,
        CallbackQuery,
        ShippingQuery,
        PreCheckoutQuery,
        PurchasedPaidMedia,
        Poll,
        PollAnswer,
        MyChatMember,
        ChatMember,
        ChatJoinRequest,
        ChatBoost,
        RemovedChatBoost,
        Unknown,
    }
}

impl WorkflowState {
    pub const RUNNING: [WorkflowState; 4] = [
        WorkflowState::Requested,
        WorkflowState::Writing,
        WorkflowState::Rendering,
        WorkflowState::Sending,
    ];
    pub const FINAL: [WorkflowState; 4] = [
        WorkflowState::Done,
        WorkflowState::Failed,
        WorkflowState::Cancelled,
        WorkflowState::Expired,
    ];
    pub fn is_final(self) -> bool {
        match self {
            WorkflowState::Done
            | WorkflowState::Failed
            | WorkflowState::Cancelled
            | WorkflowState::Expired => true,
            WorkflowState::AwaitingStyle
            | WorkflowState::Reviewing
            | WorkflowState::Requested
            | WorkflowState::Writing
            | WorkflowState::Rendering
            | WorkflowState::Sending => false,
        }
    }
}
