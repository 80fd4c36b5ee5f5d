"""Texts of the Data page."""

MESSAGES: dict[str, tuple[str, str]] = {
    'data.title': (
        'Data',
        'Данные',
    ),
    'data.connection': (
        'Connection',
        'Подключение',
    ),
    'data.tables': (
        'What is loaded',
        'Что загружено',
    ),
    'data.table': (
        'Table',
        'Таблица',
    ),
    'data.rows': (
        'Rows',
        'Строк',
    ),
    'data.first': (
        'From',
        'С',
    ),
    'data.last': (
        'To',
        'По',
    ),
    'data.version': (
        'Data version',
        'Версия данных',
    ),
    'data.demo': (
        'Demo company: {scale} scale, seed {seed}',
        'Демо-компания: размер {scale}, seed {seed}',
    ),
    'data.import_todo': (
        'File import (CSV, XLSX, Parquet) with validation, import history and templates are not built yet.',
        'Импорт файлов (CSV, XLSX, Parquet) с проверкой, история импорта и шаблоны ещё не готовы.',
    ),
}
