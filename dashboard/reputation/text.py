"""Texts of the Reputation page and the Overview's Reputation column."""

MESSAGES: dict[str, tuple[str, str]] = {
    'rep.subtitle': (
        'Good attitude of customers and the public: NPS, reviews, complaint handling and brand trust.',
        'Хорошее отношение клиентов и общества: NPS, отзывы, работа с жалобами и доверие к бренду.',
    ),
    'rep.company_wide': (
        'These are company-wide outcomes: the channel filter does not apply to them; the region filter does '
        '(brand surveys are national).',
        'Это результаты по всей компании: фильтр каналов к ним не применяется, фильтр регионов — применяется '
        '(опросы о бренде — общенациональные).',
    ),
    'rep.grain': ('Trend by', 'Динамика по'),
    'rep.grain.auto': ('Automatic', 'Автоматически'),
    'rep.grain.week': ('Week', 'Неделям'),
    'rep.grain.month': ('Month', 'Месяцам'),
    'rep.grain.quarter': ('Quarter', 'Кварталам'),
    'rep.nps.section': ('Net Promoter Score', 'Индекс NPS'),
    'rep.nps.trend': ('NPS with its 95% margin of error', 'NPS и его погрешность (95%)'),
    'rep.nps.mix': ('Promoters, passives and detractors', 'Промоутеры, нейтралы и критики'),
    'rep.nps.by': ('NPS by', 'NPS в разрезе'),
    'rep.nps.axis': ('NPS, points', 'NPS, пункты'),
    'rep.share.axis': ('Share of answers, %', 'Доля ответов, %'),
    'rep.promoters': ('Promoters (9–10)', 'Промоутеры (9–10)'),
    'rep.passives': ('Passives (7–8)', 'Нейтралы (7–8)'),
    'rep.detractors': ('Detractors (0–6)', 'Критики (0–6)'),
    'rep.answers': ('{n} answers', 'ответов: {n}'),
    'rep.few': (
        'Groups and periods with fewer than {n} answers are drawn pale and marked: read them with care.',
        'Группы и периоды, где меньше {n} ответов, показаны бледно и отмечены: оценка неточна.',
    ),
    'rep.few.mark': ('few answers', 'мало ответов'),
    'rep.change.significant': (
        'The change of {change} pts is larger than its 95% margin (±{margin}): unlikely to be noise (p = {p}).',
        'Изменение на {change} п. больше своей погрешности (±{margin}, 95%): вряд ли это случайность (p = {p}).',
    ),
    'rep.change.noise': (
        'The change of {change} pts is within its 95% margin (±{margin}): it may be noise (p = {p}).',
        'Изменение на {change} п. в пределах погрешности (±{margin}, 95%): возможно, это случайность (p = {p}).',
    ),
    'rep.dim.segment': ('Segment', 'Сегмент'),
    'rep.dim.touchpoint': ('Touchpoint', 'Точка контакта'),
    'rep.dim.region': ('Region', 'Регион'),
    'rep.comments': ('Latest comments', 'Последние комментарии'),
    'rep.comments.score': ('Scores shown', 'Показать оценки'),
    'rep.comments.none': ('No comments with these scores in the period.', 'В этом периоде нет комментариев с такими оценками.'),
    'rep.comments.shown': ('The {n} newest comments with a score from {low} to {high}.',
                           '{n} самых новых комментариев с оценкой от {low} до {high}.'),
    'rep.score': ('Score {score}', 'Оценка {score}'),
    'rep.reviews.section': ('Public reviews', 'Публичные отзывы'),
    'rep.reviews.by_period': ('Reviews by sentiment', 'Отзывы по тональности'),
    'rep.reviews.by_source': ('Reviews by source and sentiment', 'Отзывы по площадкам и тональности'),
    'rep.reviews.axis': ('Reviews', 'Отзывы'),
    'rep.ratings': ('Star ratings', 'Оценки в звёздах'),
    'rep.ratings.axis': ('Stars', 'Звёзды'),
    'rep.ratings.none': ('No rated reviews in the period.', 'В этом периоде нет отзывов с оценкой.'),
    'rep.sentiment.positive': ('Positive', 'Положительные'),
    'rep.sentiment.neutral': ('Neutral', 'Нейтральные'),
    'rep.sentiment.negative': ('Negative', 'Отрицательные'),
    'rep.sentiment.from': (
        'Sentiment comes from the star rating ({rating}), from the source ({source}), or from the text by the '
        '{classifier} classifier ({text}). The built-in classifier is a model trained on labelled reviews; on '
        'reviews it was not trained on it is right on 75% of Russian home-goods reviews, 71% of Russian '
        'restaurant and car reviews and 81% of English product-review sentences; mixed, lukewarm texts are its '
        'weak point.',
        'Тональность — по оценке в звёздах ({rating}), по разметке площадки ({source}) или по тексту, '
        'классификатором «{classifier}» ({text}). Встроенный классификатор — модель, обученная на размеченных '
        'отзывах; на отзывах, которых не было в обучении, он прав в 75% русских отзывов о товарах для дома, 71% '
        'русских отзывов о ресторанах и автомобилях и 81% английских предложений из отзывов о товарах; слабое '
        'место — смешанные, сдержанные тексты.',
    ),
    'rep.sentiment.accuracy': (
        'Checked on the company\'s own texts whose sentiment is known — reviews with stars and NPS comments with '
        'their score, one in five kept apart from adapting: {classifier} gets {accuracy} of {n} right (it finds '
        '{negative} of the negative ones, {neutral} of the neutral, {positive} of the positive).',
        'Проверка на собственных текстах компании с известной тональностью — отзывах со звёздами и комментариях '
        'NPS с оценкой, каждый пятый отложен от дообучения: {classifier} верно размечает {accuracy} из {n} '
        '(находит {negative} отрицательных, {neutral} нейтральных, {positive} положительных).',
    ),
    'rep.sentiment.accuracy_none': (
        'No reviews with stars or NPS comments to check the sentiment classifier on.',
        'Нет отзывов со звёздами и комментариев NPS, чтобы проверить классификатор тональности.',
    ),
    'rep.labels.stale': (
        'The stored review sentiment is not all from the configured classifier ({classifier}): {other} reviews '
        'were labelled from their text by {stored}, and {unlabelled} have no label. The counts above use the '
        'stored labels.',
        'Сохранённая тональность отзывов не вся от настроенного классификатора ({classifier}): {other} отзывов '
        'размечены по тексту классификатором {stored}, у {unlabelled} разметки нет. Числа выше — по сохранённой '
        'разметке.',
    ),
    'rep.labels.relabel': ('Label the reviews again with {classifier}', 'Разметить отзывы заново: {classifier}'),
    'rep.labels.working': ('Labelling the reviews…', 'Размечаем отзывы…'),
    'rep.labels.done': ('{n} reviews labelled.', 'Размечено отзывов: {n}.'),
    'rep.labels.failed': ('The reviews could not be labelled: {message}', 'Не удалось разметить отзывы: {message}'),
    'rep.responses': ('Answers to reviews', 'Ответы на отзывы'),
    'rep.responses.rate': ('Response rate', 'Доля с ответом'),
    'rep.responses.sla': ('Answered within {hours} h', 'С ответом за {hours} ч'),
    'rep.responses.hours': ('Median hours to answer', 'Медиана часов до ответа'),
    'rep.hours.axis': ('Hours', 'Часы'),
    'rep.standard': ('Standard: {hours} h', 'Стандарт: {hours} ч'),
    'rep.latest_reviews': ('Latest reviews', 'Последние отзывы'),
    'rep.review.answered': ('answered after {hours} h', 'ответ через {hours} ч'),
    'rep.review.unanswered': ('not answered', 'без ответа'),
    'rep.review.by_text': ('sentiment from text', 'тональность по тексту'),
    'rep.complaints.section': ('Complaint handling', 'Работа с жалобами'),
    'rep.complaints.trend': ('Complaints and the share resolved within {hours} h',
                             'Жалобы и доля решённых за {hours} ч'),
    'rep.complaints.axis': ('Complaints', 'Жалобы'),
    'rep.complaints.share_axis': ('Resolved within the standard, %', 'Решено в срок, %'),
    'rep.complaints.hours': ('Median hours to resolve', 'Медиана часов до решения'),
    'rep.complaints.after': ('What slow handling costs: NPS after a complaint',
                             'Чего стоит медленное решение: NPS после жалобы'),
    'rep.complaints.after_note': (
        'NPS of the first answer each customer gave within a year after the complaint.',
        'NPS первого ответа клиента в течение года после жалобы.',
    ),
    'rep.handling.within_standard': ('Resolved within {hours} h', 'Решена за {hours} ч'),
    'rep.handling.late': ('Resolved later or still open', 'Решена позже или открыта'),
    'rep.complaints.topics': ('Complaints by topic', 'Жалобы по темам'),
    'rep.complaints.backlog_note': ('{overdue} of them open longer than {hours} h.',
                                    'Из них {overdue} открыты дольше {hours} ч.'),
    'rep.brand.section': ('Brand trust', 'Доверие к бренду'),
    'rep.brand.trend': ('Share who agree, with 95% confidence intervals', 'Доля согласных, с 95% доверительными интервалами'),
    'rep.brand.axis': ('Agree, %', 'Согласны, %'),
    'rep.brand.note': (
        'Monthly survey waves of the last two years up to the end of the period; the selected period is shaded.',
        'Ежемесячные волны опроса за два года до конца периода; выбранный период закрашен.',
    ),
    'rep.brand.none': ('No brand survey waves up to the end of this period.', 'До конца этого периода волн опроса о бренде нет.'),
    'rep.question.trust': ('I trust the brand', 'Доверяю бренду'),
    'rep.question.awareness': ('I know the brand', 'Знаю бренд'),
    'rep.question.recommend': ('I would recommend it', 'Порекомендую'),
    'rep.latest_wave': ('Wave of {date}, {n} asked', 'Волна {date}, опрошено {n}'),
    'rep.no_answers': ('No NPS answers in this period.', 'В этом периоде нет ответов NPS.'),
    'rep.no_reviews': ('No reviews in this period.', 'В этом периоде нет отзывов.'),
    'rep.no_complaints': ('No complaints in this period.', 'В этом периоде нет жалоб.'),
    'rep.classifier_error': (
        'The sentiment classifier set in DASHBOARD_SENTIMENT_CLASSIFIER could not be used ({message}); '
        'the built-in one is used instead. Fix the setting and restart the app.',
        'Классификатор тональности из DASHBOARD_SENTIMENT_CLASSIFIER не удалось подключить ({message}); '
        'используется встроенный. Исправьте настройку и перезапустите приложение.',
    ),
    'overview.no_reviews': ('No reviews in this period', 'В этом периоде отзывов нет'),
    'overview.no_complaints': ('No complaints due in this period', 'В этом периоде нет жалоб с известным исходом'),
    'src.yandex_maps': ('Yandex Maps', 'Яндекс Карты'),
    'src.2gis': ('2GIS', '2ГИС'),
    'src.otzovik': ('Otzovik', 'Отзовик'),
    'src.google_maps': ('Google Maps', 'Google Карты'),
    'src.vk': ('VK', 'ВКонтакте'),
    'src.brand_monitoring': ('Brand monitoring', 'Мониторинг упоминаний'),
    'tp.store': ('Store', 'Магазин'),
    'tp.website': ('Website', 'Сайт'),
    'tp.delivery': ('Delivery', 'Доставка'),
    'tp.call_center': ('Call centre', 'Колл-центр'),
    'tp.assembly': ('Assembly', 'Сборка'),
    'seg.retail': ('Retail', 'Розница'),
    'seg.trade': ('Trade (designers, contractors)', 'Профи (дизайнеры, подрядчики)'),
    'topic.delivery_delay': ('Delivery delay', 'Задержка доставки'),
    'topic.damaged_item': ('Damaged item', 'Повреждённый товар'),
    'topic.wrong_item': ('Wrong item', 'Не тот товар'),
    'topic.assembly': ('Assembly', 'Сборка'),
    'topic.refund': ('Refund', 'Возврат денег'),
    'topic.staff': ('Staff', 'Персонал'),
}
