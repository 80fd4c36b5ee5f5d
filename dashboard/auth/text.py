"""Texts of sign-in and roles: key -> (English, Russian)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "auth.title": ("Marketing results", "Результаты маркетинга"),
    "auth.intro": (
        "Sign in with your company account to see the dashboard.",
        "Войдите с рабочей учётной записью, чтобы открыть панель.",
    ),
    "auth.sign_in": ("Sign in", "Войти"),
    "auth.sign_out": ("Sign out", "Выйти"),
    "auth.signed_in_as": ("Signed in as {user} · {role}", "Вы вошли как {user} · {role}"),
    "auth.role.viewer": ("viewer", "просмотр"),
    "auth.role.editor": ("editor", "редактор"),
    "auth.role.admin": ("admin", "администратор"),
    "auth.role.signed_out": ("not signed in", "вход не выполнен"),
    "auth.action.view": ("view the dashboard", "смотреть панель"),
    "auth.action.share": ("share a link", "делиться ссылкой"),
    "auth.action.export": ("export tables", "выгружать таблицы"),
    "auth.action.import": ("import files", "загружать файлы"),
    "auth.action.undo": ("undo an import", "отменять загрузку"),
    "auth.action.save_scenario": ("save a scenario", "сохранять сценарии"),
    "auth.action.delete_scenario": ("delete a scenario", "удалять сценарии"),
    "auth.action.settings": ("change the connection settings", "менять настройки подключения"),
    "auth.action.remove_demo": ("remove the demo company", "удалять демо-компанию"),
    "auth.forbidden": (
        "Your role ({role}) may not {action}: that needs the {needed} role. Nothing was changed. "
        "Ask an administrator for the role if you need it.",
        "Ваша роль ({role}) не позволяет {action}: нужна роль «{needed}». Ничего не изменено. "
        "Если это нужно для работы, попросите роль у администратора.",
    ),
    "auth.open": (
        "Sign-in is off: everyone who can reach the app can import files, undo imports and save or delete "
        "scenarios (everyone acts as {role}). To require sign-in, configure an OpenID Connect provider in the "
        "[auth] section of .streamlit/secrets.toml.",
        "Вход не настроен: любой, кто может открыть приложение, может загружать файлы, отменять загрузки, "
        "сохранять и удалять сценарии (у всех роль «{role}»). Чтобы требовать вход, настройте провайдера "
        "OpenID Connect в разделе [auth] файла .streamlit/secrets.toml.",
    ),
    "auth.open_read_only": (
        "Sign-in is off and everyone acts as {role}: nobody can import files or undo imports here. To give some "
        "people more, configure an OpenID Connect provider in the [auth] section of .streamlit/secrets.toml.",
        "Вход не настроен, и у всех роль «{role}»: загружать файлы и отменять загрузки здесь не может никто. "
        "Чтобы дать кому-то больше прав, настройте провайдера OpenID Connect в разделе [auth] файла "
        ".streamlit/secrets.toml.",
    ),
    "auth.read_only": (
        "Your role ({role}) can look at the data and export it. Importing files and undoing imports need the "
        "editor role.",
        "Ваша роль ({role}) позволяет смотреть и выгружать данные. Загружать файлы и отменять загрузки может "
        "роль «редактор».",
    ),
}
