//! One diesel schema for both backends; the migrations under `migrations/{sqlite,postgres}` agree with it.
diesel::table! {
    users (id) {
        id -> BigInt,
        first_name -> Text,
        last_name -> Nullable<Text>,
        username -> Nullable<Text>,
        language_code -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    user_settings (user_id) {
        user_id -> BigInt,
        style -> Text,
        slides -> Integer,
        size -> Text,
        lang -> Nullable<Text>,
        delivery -> Text,
        updated_at -> Timestamp,
        handle -> Text,
        content_lang -> Text,
        review -> Nullable<Bool>,
    }
}

diesel::table! {
    received_updates (update_id) {
        update_id -> BigInt,
        kind -> Text,
        payload -> Text,
        status -> Text,
        received_at -> Timestamp,
        processed_at -> Nullable<Timestamp>,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        attempts -> Integer,
    }
}

diesel::table! {
    event_log (id) {
        id -> Text,
        event_type -> Text,
        correlation_id -> Text,
        causation_id -> Nullable<Text>,
        source -> Text,
        payload -> Text,
        occurred_at -> Timestamp,
        trace_id -> Nullable<Text>,
    }
}

diesel::joinable!(user_settings -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(users, user_settings, received_updates, event_log);

diesel::table! {
    carousels (id) {
        id -> Text,
        user_id -> Nullable<BigInt>,
        topic -> Text,
        slides -> Integer,
        style -> Text,
        content_source -> Text,
        created_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(carousels, users);

diesel::table! {
    workflows (id) {
        id -> Text,
        correlation_id -> Text,
        user_id -> BigInt,
        chat_id -> BigInt,
        request_message_id -> Nullable<Integer>,
        status_message_id -> Nullable<Integer>,
        topic -> Text,
        lang -> Text,
        style -> Nullable<Text>,
        slides -> Integer,
        size -> Text,
        delivery -> Text,
        state -> Text,
        slides_json -> Nullable<Text>,
        content_source -> Nullable<Text>,
        error -> Nullable<Text>,
        cancel_requested -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deadline_at -> Nullable<Timestamp>,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        trace_parent -> Nullable<Text>,
        handle -> Nullable<Text>,
        content_lang -> Nullable<Text>,
        review -> Bool,
        draft_version -> BigInt,
        review_until -> Nullable<Timestamp>,
        post_json -> Nullable<Text>,
        brand_json -> Nullable<Text>,
        accent -> Nullable<Text>,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        chat_id -> BigInt,
        method -> Text,
        payload -> Text,
        workflow_id -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        message_ids -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        trace_parent -> Nullable<Text>,
    }
}

diesel::table! {
    brand_kits (user_id) {
        user_id -> BigInt,
        handle -> Text,
        name -> Text,
        accent -> Nullable<Text>,
        fonts -> Text,
        avatar_id -> Nullable<Text>,
        logo_id -> Nullable<Text>,
        version -> BigInt,
        awaiting -> Nullable<Text>,
        awaiting_until -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    brand_assets (id) {
        id -> Text,
        user_id -> BigInt,
        kind -> Text,
        mime -> Text,
        bytes -> Binary,
        width -> Integer,
        height -> Integer,
        created_at -> Timestamp,
    }
}
