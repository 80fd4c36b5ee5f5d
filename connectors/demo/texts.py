"""Review, comment, post and e-mail texts of the demo company (Russian and English)."""

from __future__ import annotations

import numpy as np

PHRASES: dict[str, dict[str, list[str]]] = {
    "ru": {
        "positive": [
            "Отличный магазин, всё понравилось!",
            "Доставили вовремя, курьер вежливый.",
            "Консультант помог подобрать шторы под интерьер.",
            "Качество текстиля на высоте, буду заказывать ещё.",
            "Быстро собрали шкаф, мастер аккуратный.",
            "Большой выбор посуды и приятные цены.",
            "Заказ упакован бережно, ничего не разбилось.",
            "Спасибо за скидку ко дню рождения, очень приятно!",
            "Рекомендую друзьям, сервис на уровне.",
            "Удобный сайт, оформила заказ за пять минут.",
            "Вернули деньги за товар без лишних вопросов.",
            "В магазине в Твери очень приветливые продавцы.",
            "Мастер-класс по декору понравился всей семье.",
            "Покупаю здесь уже третий год, всегда довольна.",
        ],
        "neutral": [
            "В целом нормально, но цены выше, чем у конкурентов.",
            "Товар соответствует описанию, доставка обычная.",
            "Выбор неплохой, но нужного размера не было.",
            "Заказ пришёл, пока не пользовались.",
            "Магазин как магазин, ничего особенного.",
            "Курьер приехал в конце интервала, но предупредил.",
            "Сайт удобный, хотя фильтры иногда тормозят.",
            "Качество среднее за свои деньги.",
            "Пришлось подождать консультанта, но помогли.",
            "Упаковка простая, товар целый.",
        ],
        "negative": [
            "Доставку переносили три раза, ужасно.",
            "Привезли сломанный стул, замену ждали две недели.",
            "На звонки никто не отвечает, жалобу игнорируют.",
            "Качество пледа ужасное, после стирки облез.",
            "Сборщик опоздал на четыре часа и поцарапал стену.",
            "Деньги за возврат до сих пор не вернули.",
            "Продавец грубил и не хотел помочь.",
            "Заказ перепутали, привезли не тот цвет.",
            "Больше здесь ничего покупать не буду.",
            "Обещали перезвонить и пропали.",
            "Товар пришёл с браком, а в поддержке отписки.",
            "Очень долго решали мою проблему, разочарована.",
        ],
    },
    "en": {
        "positive": [
            "Great store, loved everything!",
            "Delivered on time and the courier was polite.",
            "The consultant helped me choose curtains for my living room.",
            "Excellent quality bedding, will order again.",
            "The wardrobe was assembled quickly and neatly.",
            "Wide choice of tableware at fair prices.",
            "Carefully packed, nothing broken.",
            "Thank you for the birthday discount, a lovely surprise!",
            "I recommend them to all my friends.",
            "Easy website, ordering took five minutes.",
            "Refund was processed without any hassle.",
            "Friendly staff at the Tver store.",
        ],
        "neutral": [
            "It was okay, but prices are higher than elsewhere.",
            "The item matches the description, delivery was average.",
            "Decent choice, but my size was out of stock.",
            "The order arrived, haven't used it yet.",
            "Just a regular shop, nothing special.",
            "The courier came at the end of the window but called ahead.",
            "Average quality for the price.",
            "Had to wait for a consultant, but they helped.",
        ],
        "negative": [
            "Delivery was rescheduled three times, terrible.",
            "The chair arrived broken and the replacement took two weeks.",
            "Nobody answers the phone and my complaint is ignored.",
            "The blanket fell apart after one wash.",
            "The assembler was four hours late and scratched the wall.",
            "Still waiting for my refund.",
            "Rude staff, did not want to help.",
            "They sent the wrong colour.",
            "I will never buy here again.",
            "Promised to call back and disappeared.",
            "Very slow to solve my problem, disappointed.",
        ],
    },
}

POST_TITLES: dict[str, list[str]] = {
    "conversation": [
        "Какой цвет штор вы выбрали бы для спальни?",
        "Покажите ваш уютный уголок — лучшие фото опубликуем",
        "Что вы больше всего цените в доме зимой?",
        "Опрос: ковёр или голый пол?",
        "Расскажите, как вы готовитесь к Новому году",
        "Ваши вопросы дизайнеру — ответим в комментариях",
    ],
    "useful": [
        "5 способов зрительно увеличить маленькую кухню",
        "Как ухаживать за льняным текстилем",
        "Гид по выбору подушки: жёсткость и наполнитель",
        "Как организовать хранение в прихожей",
        "Чек-лист: что нужно для переезда",
        "Как выбрать посуду для индукционной плиты",
    ],
    "promo": [
        "Скидка 20% на весь текстиль до воскресенья!",
        "Чёрная пятница: распродажа до −50%",
        "Только три дня: вторая подушка в подарок",
        "Новая коллекция посуды уже в магазинах — успейте купить",
        "Промокод DOM10 на первый заказ",
        "Распродажа ковров: последние размеры",
    ],
}

EMAIL_SUBJECTS: dict[str, list[str]] = {
    "digest": [
        "Идеи недели: уют за выходные", "Новинки сезона и советы дизайнера", "Как обновить интерьер без ремонта",
        "Подборка: тёплый текстиль на осень",
    ],
    "promo": [
        "−20% на текстиль только до воскресенья", "Чёрная пятница уже началась", "Ваш промокод на следующий заказ",
        "Финальная распродажа сезона",
    ],
    "welcome": ["Добро пожаловать! Ваш подарок внутри"],
}


def compose(
    rng: np.random.Generator, sentiment: np.ndarray, language: np.ndarray, *, max_sentences: int = 2
) -> np.ndarray:
    """One text per row: 1..max_sentences phrases of the row's sentiment and language."""
    out = np.empty(sentiment.size, dtype=object)
    count = rng.integers(1, max_sentences + 1, sentiment.size)
    for lang, banks in PHRASES.items():
        for label, bank in banks.items():
            sel = np.flatnonzero((sentiment == label) & (language == lang))
            if not sel.size:
                continue
            bank_arr = np.array(bank, dtype=object)
            first = bank_arr[rng.integers(0, len(bank), sel.size)]
            second = bank_arr[rng.integers(0, len(bank), sel.size)]
            joined = np.where(
                (count[sel] > 1) & (first != second),
                first + " " + second,
                first,
            )
            out[sel] = joined
    return out
