// @generated automatically by Diesel CLI.

pub mod sql_types {
    #[derive(diesel::query_builder::QueryId, Clone, diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "tsvector", schema = "pg_catalog"))]
    pub struct Tsvector;
}

diesel::table! {
    ai_jobs (id) {
        id -> Uuid,
        owner_id -> Uuid,
        kind -> Text,
        status -> Text,
        input -> Jsonb,
        result -> Nullable<Jsonb>,
        error -> Nullable<Text>,
        attempts -> Int4,
        provider -> Nullable<Text>,
        model -> Nullable<Text>,
        prompt_tokens -> Int4,
        completion_tokens -> Int4,
        created_at -> Timestamptz,
        started_at -> Nullable<Timestamptz>,
        finished_at -> Nullable<Timestamptz>,
        updated_at -> Timestamptz,
        lease_until -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    asset_teams (asset_id) {
        asset_id -> Uuid,
        team_id -> Uuid,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    assets (id) {
        id -> Uuid,
        parent_id -> Nullable<Uuid>,
        kind -> Text,
        code -> Text,
        name -> Text,
        manufacturer -> Nullable<Text>,
        model -> Nullable<Text>,
        serial_number -> Nullable<Text>,
        location -> Nullable<Text>,
        archived_at -> Nullable<Timestamptz>,
        created_by -> Uuid,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    audit_events (seq) {
        seq -> Int8,
        at -> Timestamptz,
        actor_id -> Uuid,
        action -> Text,
        entity_type -> Text,
        entity_id -> Uuid,
        procedure_id -> Nullable<Uuid>,
        before -> Nullable<Jsonb>,
        after -> Nullable<Jsonb>,
        message_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    audit_seals (seq) {
        seq -> Int8,
        mac -> Text,
        sealed_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Tsvector;

    file_texts (file_id, page, chunk) {
        file_id -> Uuid,
        page -> Int4,
        chunk -> Int4,
        body -> Text,
        search -> Tsvector,
    }
}

diesel::table! {
    files (id) {
        id -> Uuid,
        uploader_id -> Uuid,
        name -> Text,
        media_type -> Text,
        size_bytes -> Int8,
        sha256 -> Text,
        created_at -> Timestamptz,
        thumbnail_status -> Text,
        thumbnail_note -> Nullable<Text>,
        text_status -> Text,
        text_pages -> Nullable<Int4>,
        text_note -> Nullable<Text>,
    }
}

diesel::table! {
    login_throttle (scope_key) {
        scope_key -> Text,
        failures -> Int4,
        window_started_at -> Timestamptz,
        blocked_until -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    meter_readings (id) {
        id -> Uuid,
        meter_id -> Uuid,
        value -> Float8,
        taken_at -> Timestamptz,
        source -> Text,
        run_id -> Nullable<Uuid>,
        step_id -> Nullable<Uuid>,
        recorded_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    meter_sources (meter_id, procedure_id, step_key) {
        meter_id -> Uuid,
        procedure_id -> Uuid,
        step_key -> Uuid,
    }
}

diesel::table! {
    meters (id) {
        id -> Uuid,
        asset_id -> Uuid,
        name -> Text,
        unit -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    notification_preferences (user_id, kind) {
        user_id -> Uuid,
        kind -> Text,
        in_app -> Bool,
        email -> Bool,
    }
}

diesel::table! {
    notification_emails (id) {
        id -> Uuid,
        user_id -> Uuid,
        topic -> Text,
        kind -> Text,
        work_order_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
        next_attempt_at -> Timestamptz,
        attempts -> Int4,
        sent_at -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    notification_languages (user_id) {
        user_id -> Uuid,
        language -> Text,
    }
}

diesel::table! {
    notifications (id) {
        id -> Uuid,
        user_id -> Uuid,
        kind -> Text,
        work_order_id -> Uuid,
        created_at -> Timestamptz,
        read_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    outbox (id) {
        id -> Int8,
        message_id -> Uuid,
        destination -> Text,
        routing_key -> Text,
        message_type -> Text,
        correlation_id -> Nullable<Text>,
        body -> Jsonb,
        created_at -> Timestamptz,
        attempts -> Int4,
        claimed_until -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
        published_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    plans (id) {
        id -> Uuid,
        title -> Text,
        description -> Text,
        asset_id -> Uuid,
        procedure_id -> Uuid,
        team_id -> Nullable<Uuid>,
        assignee_id -> Nullable<Uuid>,
        priority -> Text,
        trigger -> Text,
        status -> Text,
        interval_count -> Int4,
        interval_unit -> Nullable<Text>,
        schedule -> Nullable<Text>,
        anchor_date -> Nullable<Date>,
        due_time -> Time,
        lead_days -> Int4,
        next_due_date -> Nullable<Date>,
        meter_id -> Nullable<Uuid>,
        meter_interval -> Nullable<Float8>,
        meter_base -> Nullable<Float8>,
        next_occurrence -> Int4,
        created_by -> Uuid,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    procedure_assets (procedure_id, asset_id) {
        procedure_id -> Uuid,
        asset_id -> Uuid,
    }
}

diesel::table! {
    procedure_settings (procedure_id) {
        procedure_id -> Uuid,
        follow_up -> Text,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    procedures (id) {
        id -> Uuid,
        code -> Text,
        published_revision_id -> Nullable<Uuid>,
        latest_revision_id -> Nullable<Uuid>,
        archived_at -> Nullable<Timestamptz>,
        created_by -> Uuid,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Uuid,
        user_id -> Uuid,
        family_id -> Uuid,
        token_hash -> Bytea,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        rotated_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
        authenticated_at -> Timestamptz,
    }
}

diesel::table! {
    reviews (id) {
        id -> Uuid,
        revision_id -> Uuid,
        reviewer_id -> Uuid,
        decision -> Text,
        comment -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    revisions (id) {
        id -> Uuid,
        procedure_id -> Uuid,
        number -> Int4,
        status -> Text,
        title -> Text,
        description -> Text,
        tags -> Array<Text>,
        language -> Text,
        estimated_minutes -> Nullable<Int4>,
        tools -> Array<Text>,
        parts -> Array<Text>,
        ppe -> Array<Text>,
        based_on_revision_id -> Nullable<Uuid>,
        translated_from_revision_id -> Nullable<Uuid>,
        author_id -> Uuid,
        submitted_at -> Nullable<Timestamptz>,
        reviewed_by -> Nullable<Uuid>,
        reviewed_at -> Nullable<Timestamptz>,
        published_at -> Nullable<Timestamptz>,
        superseded_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        requires_verification -> Bool,
    }
}

diesel::table! {
    run_step_results (id) {
        id -> Uuid,
        run_id -> Uuid,
        step_id -> Uuid,
        value -> Nullable<Jsonb>,
        note -> Nullable<Text>,
        photo_ids -> Array<Uuid>,
        passed -> Nullable<Bool>,
        out_of_limit -> Bool,
        recorded_by -> Uuid,
        recorded_at -> Timestamptz,
        replaced_ids -> Array<Uuid>,
    }
}

diesel::table! {
    runs (id) {
        id -> Uuid,
        procedure_id -> Uuid,
        revision_id -> Uuid,
        asset_id -> Nullable<Uuid>,
        technician_id -> Uuid,
        status -> Text,
        outcome -> Nullable<Text>,
        started_at -> Timestamptz,
        completed_at -> Nullable<Timestamptz>,
        signoff_name -> Nullable<Text>,
        signoff_at -> Nullable<Timestamptz>,
        signature_file_id -> Nullable<Uuid>,
        work_order_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    sections (id) {
        id -> Uuid,
        revision_id -> Uuid,
        position -> Int4,
        title -> Text,
    }
}

diesel::table! {
    signatures (id) {
        id -> Uuid,
        subject_type -> Text,
        subject_id -> Uuid,
        meaning -> Text,
        signer_id -> Uuid,
        signer_name -> Text,
        signed_at -> Timestamptz,
        authenticated_at -> Timestamptz,
        content_hash -> Text,
        image_file_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    signing_keys (kid) {
        kid -> Text,
        private_key -> Bytea,
        public_key -> Bytea,
        created_at -> Timestamptz,
        retired_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    site_settings (site_id) {
        site_id -> Uuid,
        time_zone -> Text,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    step_attachments (step_id, file_id) {
        step_id -> Uuid,
        file_id -> Uuid,
        position -> Int4,
    }
}

diesel::table! {
    steps (id) {
        id -> Uuid,
        revision_id -> Uuid,
        key -> Uuid,
        section_id -> Nullable<Uuid>,
        position -> Int4,
        kind -> Text,
        title -> Text,
        body -> Text,
        warning_level -> Nullable<Text>,
        warning_text -> Nullable<Text>,
        required -> Bool,
        unit -> Nullable<Text>,
        min_value -> Nullable<Float8>,
        max_value -> Nullable<Float8>,
        options -> Array<Text>,
        limit_source_file_id -> Nullable<Uuid>,
        limit_source_page -> Nullable<Int4>,
        limit_source_passage -> Nullable<Text>,
    }
}

diesel::table! {
    team_members (team_id, user_id) {
        team_id -> Uuid,
        user_id -> Uuid,
        added_at -> Timestamptz,
    }
}

diesel::table! {
    teams (id) {
        id -> Uuid,
        name -> Text,
        description -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    users (id) {
        id -> Uuid,
        email -> Text,
        display_name -> Text,
        password_hash -> Text,
        role -> Text,
        is_active -> Bool,
        must_change_password -> Bool,
        tokens_valid_after -> Timestamptz,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        last_login_at -> Nullable<Timestamptz>,
        temporary_password_expires_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Uuid,
        endpoint_id -> Uuid,
        message_id -> Uuid,
        event_type -> Text,
        payload -> Text,
        state -> Text,
        attempts -> Int4,
        created_at -> Timestamptz,
        next_attempt_at -> Timestamptz,
        lease_until -> Nullable<Timestamptz>,
        last_attempt_at -> Nullable<Timestamptz>,
        last_status -> Nullable<Int4>,
        last_response -> Nullable<Text>,
        last_error -> Nullable<Text>,
        last_duration_ms -> Nullable<Int4>,
        delivered_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> Uuid,
        url -> Text,
        description -> Text,
        event_types -> Array<Text>,
        secret -> Text,
        active -> Bool,
        created_by -> Uuid,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    work_order_comments (id) {
        id -> Uuid,
        work_order_id -> Uuid,
        author_id -> Uuid,
        body -> Text,
        photo_ids -> Array<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    work_order_history (id) {
        id -> Int8,
        work_order_id -> Uuid,
        actor_id -> Nullable<Uuid>,
        at -> Timestamptz,
        change -> Text,
        from_value -> Nullable<Text>,
        to_value -> Nullable<Text>,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    work_order_signals (work_order_id, signal) {
        work_order_id -> Uuid,
        signal -> Text,
        signalled_at -> Timestamptz,
    }
}

diesel::table! {
    work_orders (id) {
        id -> Uuid,
        number -> Int8,
        title -> Text,
        description -> Text,
        kind -> Text,
        source -> Text,
        asset_id -> Uuid,
        site_id -> Uuid,
        procedure_id -> Nullable<Uuid>,
        priority -> Text,
        status -> Text,
        due_at -> Nullable<Timestamptz>,
        assignee_id -> Nullable<Uuid>,
        team_id -> Nullable<Uuid>,
        plan_id -> Nullable<Uuid>,
        plan_occurrence -> Nullable<Int4>,
        source_run_id -> Nullable<Uuid>,
        source_step_id -> Nullable<Uuid>,
        source_reason -> Nullable<Text>,
        source_value -> Nullable<Jsonb>,
        source_note -> Nullable<Text>,
        run_id -> Nullable<Uuid>,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        started_at -> Nullable<Timestamptz>,
        completed_at -> Nullable<Timestamptz>,
        completed_by -> Nullable<Uuid>,
        completion_note -> Nullable<Text>,
        cancelled_at -> Nullable<Timestamptz>,
        cancel_reason -> Nullable<Text>,
    }
}

diesel::joinable!(ai_jobs -> users (owner_id));
diesel::joinable!(asset_teams -> assets (asset_id));
diesel::joinable!(asset_teams -> teams (team_id));
diesel::joinable!(assets -> users (created_by));
diesel::joinable!(audit_seals -> audit_events (seq));
diesel::joinable!(file_texts -> files (file_id));
diesel::joinable!(files -> users (uploader_id));
diesel::joinable!(meter_readings -> meters (meter_id));
diesel::joinable!(meter_sources -> meters (meter_id));
diesel::joinable!(meter_sources -> procedures (procedure_id));
diesel::joinable!(meters -> assets (asset_id));
diesel::joinable!(notification_emails -> users (user_id));
diesel::joinable!(notification_emails -> work_orders (work_order_id));
diesel::joinable!(notification_languages -> users (user_id));
diesel::joinable!(notification_preferences -> users (user_id));
diesel::joinable!(notifications -> users (user_id));
diesel::joinable!(notifications -> work_orders (work_order_id));
diesel::joinable!(plans -> meters (meter_id));
diesel::joinable!(plans -> procedures (procedure_id));
diesel::joinable!(plans -> teams (team_id));
diesel::joinable!(procedure_assets -> assets (asset_id));
diesel::joinable!(procedure_assets -> procedures (procedure_id));
diesel::joinable!(procedure_settings -> procedures (procedure_id));
diesel::joinable!(procedures -> users (created_by));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(reviews -> revisions (revision_id));
diesel::joinable!(reviews -> users (reviewer_id));
diesel::joinable!(run_step_results -> runs (run_id));
diesel::joinable!(run_step_results -> steps (step_id));
diesel::joinable!(run_step_results -> users (recorded_by));
diesel::joinable!(runs -> assets (asset_id));
diesel::joinable!(runs -> procedures (procedure_id));
diesel::joinable!(runs -> revisions (revision_id));
diesel::joinable!(runs -> users (technician_id));
diesel::joinable!(sections -> revisions (revision_id));
diesel::joinable!(signatures -> users (signer_id));
diesel::joinable!(site_settings -> assets (site_id));
diesel::joinable!(step_attachments -> steps (step_id));
diesel::joinable!(steps -> revisions (revision_id));
diesel::joinable!(steps -> sections (section_id));
diesel::joinable!(team_members -> teams (team_id));
diesel::joinable!(team_members -> users (user_id));
diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));
diesel::joinable!(webhook_endpoints -> users (created_by));
diesel::joinable!(work_order_comments -> users (author_id));
diesel::joinable!(work_order_comments -> work_orders (work_order_id));
diesel::joinable!(work_order_history -> users (actor_id));
diesel::joinable!(work_order_history -> work_orders (work_order_id));
diesel::joinable!(work_order_signals -> work_orders (work_order_id));
diesel::joinable!(work_orders -> plans (plan_id));
diesel::joinable!(work_orders -> procedures (procedure_id));
diesel::joinable!(work_orders -> steps (source_step_id));
diesel::joinable!(work_orders -> teams (team_id));

diesel::allow_tables_to_appear_in_same_query!(
    ai_jobs,
    asset_teams,
    assets,
    audit_events,
    audit_seals,
    file_texts,
    files,
    login_throttle,
    meter_readings,
    meter_sources,
    meters,
    notification_emails,
    notification_languages,
    notification_preferences,
    notifications,
    outbox,
    plans,
    procedure_assets,
    procedure_settings,
    procedures,
    refresh_tokens,
    reviews,
    revisions,
    run_step_results,
    runs,
    sections,
    signatures,
    signing_keys,
    site_settings,
    step_attachments,
    steps,
    team_members,
    teams,
    users,
    webhook_deliveries,
    webhook_endpoints,
    work_order_comments,
    work_order_history,
    work_order_signals,
    work_orders,
);
