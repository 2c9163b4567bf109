from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "server.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in, user_logged_out
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from server.conferences.models import Meeting, Participant

        from . import signals

        user_logged_in.connect(signals.remember_language, dispatch_uid="remember_language")
        user_logged_out.connect(signals.close_user_sockets, dispatch_uid="close_user_sockets")
        post_save.connect(signals.user_changed, sender=get_user_model(), dispatch_uid="user")
        for signal in (post_save, post_delete):
            signal.connect(signals.participant_changed, sender=Participant, dispatch_uid="part")
        post_save.connect(signals.meeting_changed, sender=Meeting, dispatch_uid="meeting")
        m2m_changed.connect(
            signals.admissions_changed,
            sender=Meeting.admitted_delegations.through,
            dispatch_uid="admissions",
        )
