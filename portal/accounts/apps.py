from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = "Organizations and users"  # allauth.account is "Accounts" (its e-mail addresses)
