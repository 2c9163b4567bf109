from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "server.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from .signals import close_user_sockets

        user_logged_out.connect(close_user_sockets, dispatch_uid="close_user_sockets")
