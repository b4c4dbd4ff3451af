// Portable column types only (see DESIGN.md): the same schema serves PostgreSQL and SQLite.

diesel::table! {
    themes (id) {
        id -> BigInt,
        slug -> Text,
        label_fr -> Text,
        label_en -> Text,
        description_fr -> Text,
        description_en -> Text,
        position -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    jobs (id) {
        id -> BigInt,
        kind -> Text,
        payload -> Text,
        state -> Text,
        run_at -> Timestamp,
        attempts -> Integer,
        max_attempts -> Integer,
        last_error -> Nullable<Text>,
        locked_until -> Nullable<Timestamp>,
        locked_by -> Nullable<Text>,
        dedup_key -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        email_verified_at -> Nullable<Timestamp>,
        password_hash -> Text,
        display_name -> Text,
        lang -> Text,
        kind -> Text,
        is_active -> Bool,
        deleted_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    user_roles (user_id, role) {
        user_id -> BigInt,
        role -> Text,
        granted_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        user_id -> BigInt,
        user_agent -> Text,
        ip -> Text,
        created_at -> Timestamp,
        last_used_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        session_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    email_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        purpose -> Text,
        token_hash -> Text,
        email -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> BigInt,
        email_key -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    rate_counters (bucket, window_start) {
        bucket -> Text,
        window_start -> Timestamp,
        hits -> Integer,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        actor_id -> Nullable<BigInt>,
        action -> Text,
        target_id -> Nullable<BigInt>,
        ip -> Text,
        detail -> Text,
    }
}

diesel::joinable!(user_roles -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));

diesel::table! {
    organizations (id) {
        id -> BigInt,
        kind -> Text,
        status -> Text,
        name -> Text,
        slug -> Text,
        pitch -> Text,
        description -> Text,
        sector -> Text,
        stage -> Nullable<Text>,
        team_size -> Nullable<Integer>,
        founded_year -> Nullable<Integer>,
        city -> Text,
        website -> Text,
        contact_email -> Text,
        verified -> Bool,
        moderation_note -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        logo -> Nullable<Text>,
    }
}

diesel::table! {
    organization_themes (organization_id, theme_id) {
        organization_id -> BigInt,
        theme_id -> BigInt,
    }
}

diesel::table! {
    organization_members (organization_id, user_id) {
        organization_id -> BigInt,
        user_id -> BigInt,
        role -> Text,
        joined_at -> Timestamp,
    }
}

diesel::joinable!(organization_themes -> organizations (organization_id));
diesel::joinable!(organization_themes -> themes (theme_id));
diesel::joinable!(organization_members -> organizations (organization_id));
diesel::joinable!(organization_members -> users (user_id));

diesel::table! {
    offerings (id) {
        id -> BigInt,
        organization_id -> BigInt,
        kind -> Text,
        title -> Text,
        slug -> Text,
        summary -> Text,
        body -> Text,
        audience -> Text,
        conditions -> Text,
        contact -> Text,
        status -> Text,
        moderation_note -> Text,
        published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    offering_themes (offering_id, theme_id) {
        offering_id -> BigInt,
        theme_id -> BigInt,
    }
}

diesel::table! {
    offering_decisions (id) {
        id -> BigInt,
        offering_id -> BigInt,
        actor_id -> Nullable<BigInt>,
        from_status -> Text,
        to_status -> Text,
        note -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    organization_invitations (id) {
        id -> BigInt,
        organization_id -> BigInt,
        email -> Text,
        role -> Text,
        token_hash -> Text,
        invited_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        accepted_by -> Nullable<BigInt>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    offering_requests (id) {
        id -> BigInt,
        offering_id -> BigInt,
        requester_org_id -> BigInt,
        requester_id -> Nullable<BigInt>,
        message -> Text,
        status -> Text,
        answer -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        expires_at -> Timestamp,
        reminded_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    favorite_organizations (user_id, organization_id) {
        user_id -> BigInt,
        organization_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    favorite_themes (user_id, theme_id) {
        user_id -> BigInt,
        theme_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    venues (id) {
        id -> BigInt,
        name -> Text,
        address -> Text,
        city -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    rooms (id) {
        id -> BigInt,
        venue_id -> BigInt,
        name -> Text,
        capacity -> Integer,
    }
}

diesel::table! {
    events (id) {
        id -> BigInt,
        slug -> Text,
        title -> Text,
        summary -> Text,
        description -> Text,
        organization_id -> Nullable<BigInt>,
        room_id -> Nullable<BigInt>,
        online_url -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        capacity -> Integer,
        seats_taken -> Integer,
        registration_opens_at -> Nullable<Timestamp>,
        registration_closes_at -> Nullable<Timestamp>,
        status -> Text,
        approval -> Bool,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,        offer_hours -> Nullable<Integer>,
    }
}

diesel::table! {
    event_themes (event_id, theme_id) {
        event_id -> BigInt,
        theme_id -> BigInt,
    }
}

diesel::table! {
    registrations (id) {
        id -> BigInt,
        event_id -> BigInt,
        user_id -> Nullable<BigInt>,
        email -> Text,
        name -> Text,
        status -> Text,
        code -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        confirmed_at -> Nullable<Timestamp>,
        cancelled_at -> Nullable<Timestamp>,
        checked_in_at -> Nullable<Timestamp>,
        reminded_at -> Nullable<Timestamp>,
        queued_at -> Timestamp,
        offer_expires_at -> Nullable<Timestamp>,
        lang -> Text,
    }
}

diesel::joinable!(rooms -> venues (venue_id));
diesel::joinable!(events -> rooms (room_id));
diesel::joinable!(event_themes -> events (event_id));
diesel::joinable!(event_themes -> themes (theme_id));
diesel::joinable!(registrations -> events (event_id));
diesel::joinable!(favorite_organizations -> organizations (organization_id));
diesel::joinable!(favorite_themes -> themes (theme_id));
diesel::joinable!(organization_invitations -> organizations (organization_id));
diesel::joinable!(offering_requests -> offerings (offering_id));
diesel::joinable!(offerings -> organizations (organization_id));
diesel::joinable!(offering_themes -> offerings (offering_id));
diesel::joinable!(offering_themes -> themes (theme_id));
diesel::joinable!(offering_decisions -> offerings (offering_id));

diesel::table! {
    event_sessions (id) {
        id -> BigInt,
        event_id -> BigInt,
        title -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        room_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    session_speakers (session_id, speaker_key) {
        session_id -> BigInt,
        position -> Integer,
        name -> Text,
        speaker_key -> Text,
    }
}

diesel::joinable!(event_sessions -> events (event_id));
diesel::joinable!(session_speakers -> event_sessions (session_id));

diesel::table! {
    mentor_profiles (id) {
        id -> BigInt,
        user_id -> BigInt,
        organization_id -> Nullable<BigInt>,
        slug -> Text,
        headline -> Text,
        bio -> Text,
        languages -> Text,
        stages -> Text,
        capacity -> Integer,
        active_mentees -> Integer,
        availability -> Text,
        visibility -> Text,
        paused -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    mentor_expertise (mentor_id, theme_id) {
        mentor_id -> BigInt,
        theme_id -> BigInt,
        level -> Integer,
    }
}

diesel::table! {
    mentor_slots (id) {
        id -> BigInt,
        mentor_id -> BigInt,
        weekday -> Integer,
        start_minute -> Integer,
        end_minute -> Integer,
    }
}

diesel::table! {
    projects (id) {
        id -> BigInt,
        organization_id -> BigInt,
        slug -> Text,
        title -> Text,
        summary -> Text,
        goals -> Text,
        stage -> Text,
        languages -> Text,
        status -> Text,
        visibility -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    project_needs (project_id, theme_id) {
        project_id -> BigInt,
        theme_id -> BigInt,
        weight -> Integer,
    }
}

diesel::table! {
    matching_rounds (id) {
        id -> BigInt,
        status -> Text,
        total_score -> BigInt,
        greedy_score -> BigInt,
        greedy_pairs -> Integer,
        projects_count -> Integer,
        mentors_count -> Integer,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    matching_round_pairs (round_id, project_id) {
        round_id -> BigInt,
        project_id -> BigInt,
        mentor_id -> BigInt,
        score -> Integer,
        breakdown -> Text,
        edited -> Bool,
    }
}

diesel::table! {
    mentorships (id) {
        id -> BigInt,
        project_id -> BigInt,
        mentor_id -> BigInt,
        origin -> Text,
        status -> Text,
        message -> Text,
        decline_reason -> Text,
        requested_by -> Nullable<BigInt>,
        round_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        expires_at -> Timestamp,
        reminded_at -> Nullable<Timestamp>,
        started_at -> Nullable<Timestamp>,
        ended_at -> Nullable<Timestamp>,
        ended_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    mentorship_sessions (id) {
        id -> BigInt,
        mentorship_id -> BigInt,
        held_at -> Timestamp,
        minutes -> Integer,
        shared_notes -> Text,
        mentor_notes -> Text,
        startup_notes -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    mentorship_feedback (mentorship_id, side) {
        mentorship_id -> BigInt,
        side -> Text,
        rating -> Integer,
        comment -> Text,
        author_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(mentor_profiles -> users (user_id));
diesel::joinable!(mentor_expertise -> mentor_profiles (mentor_id));
diesel::joinable!(mentor_expertise -> themes (theme_id));
diesel::joinable!(mentor_slots -> mentor_profiles (mentor_id));
diesel::joinable!(projects -> organizations (organization_id));
diesel::joinable!(project_needs -> projects (project_id));
diesel::joinable!(project_needs -> themes (theme_id));
diesel::joinable!(matching_round_pairs -> matching_rounds (round_id));
diesel::joinable!(mentorships -> projects (project_id));
diesel::joinable!(mentorships -> mentor_profiles (mentor_id));
diesel::joinable!(mentorship_sessions -> mentorships (mentorship_id));
diesel::joinable!(mentorship_feedback -> mentorships (mentorship_id));

diesel::allow_tables_to_appear_in_same_query!(
    themes,
    jobs,
    users,
    user_roles,
    sessions,
    refresh_tokens,
    email_tokens,
    login_failures,
    rate_counters,
    audit_log,
    organizations,
    organization_themes,
    organization_members,
    offerings,
    offering_themes,
    offering_decisions,
    organization_invitations,
    offering_requests,
    favorite_organizations,
    favorite_themes,
    venues,
    rooms,
    events,
    event_themes,
    registrations,
    event_sessions,
    session_speakers,
    mentor_profiles,
    mentor_expertise,
    mentor_slots,
    projects,
    project_needs,
    matching_rounds,
    matching_round_pairs,
    mentorships,
    mentorship_sessions,
    mentorship_feedback,
);
