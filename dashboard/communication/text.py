"""Texts of the Communication page (and the Communication column of the Overview)."""

MESSAGES: dict[str, tuple[str, str]] = {
    'comm.subtitle': (
        'A common language with customers: social media is for talking and listening, not selling. '
        'Engagement, follower growth, newsletters and word of mouth, each in its own units.',
        'Общий язык с клиентами: соцсети — чтобы разговаривать и слушать, а не продавать. '
        'Вовлечённость, рост подписчиков, рассылки и сарафанное радио — у каждого свои единицы.',
    ),
    'comm.er_by': (
        'Engagement rate by',
        'Вовлечённость считать по',
    ),
    'comm.er_by.help': (
        'The denominator of the engagement rate. Reach: unique people who saw the posts (default). '
        'Impressions: every showing, repeats included. Followers: followers of the network on the day of each post.',
        'Знаменатель вовлечённости. Охват — уникальные люди, видевшие публикации (по умолчанию). '
        'Показы — все показы, с повторными. Подписчики — подписчики сети в день каждой публикации.',
    ),
    'comm.denominator.reach': ('reach', 'охвату'),
    'comm.denominator.impressions': ('impressions', 'показам'),
    'comm.denominator.followers': ('followers', 'подписчикам'),
    'comm.grain': ('Trend by', 'Динамика по'),
    'comm.grain.day': ('day', 'дням'),
    'comm.grain.week': ('week', 'неделям'),
    'comm.grain.month': ('month', 'месяцам'),
    'comm.social': ('Social media', 'Соцсети'),
    'comm.no_posts': (
        'No social posts in this period for the selected channels. Choose another period, or include '
        '"Social media communities" in the channel filter.',
        'В этом периоде нет публикаций по выбранным каналам. Выберите другой период или добавьте '
        '«Сообщества в соцсетях» в фильтр каналов.',
    ),
    'comm.kpi.posts': ('{posts} posts', 'Публикаций: {posts}'),
    'comm.kpi.growth': (
        'Growth {growth} · +{gained} gained, −{lost} lost',
        'Рост {growth} · +{gained} новых, −{lost} отписок',
    ),
    'comm.er_trend': ('{label}, by network', '{label}, по соцсетям'),
    'comm.follower_flow': ('Followers gained and lost', 'Новые подписчики и отписки'),
    'comm.axis.followers': ('Followers (people)', 'Подписчики (человек)'),
    'comm.short_period': (
        'The period is shorter than one whole {grain}: choose a finer trend step or a longer period.',
        'Период короче одного полного интервала ({grain}): выберите шаг мельче или период длиннее.',
    ),
    'comm.network.vk': ('VK', 'ВКонтакте'),
    'comm.network.telegram': ('Telegram', 'Telegram'),
    'comm.network.ok': ('Odnoklassniki', 'Одноклассники'),
    'comm.network.all': ('All networks', 'Все соцсети'),
    'comm.type.conversation': ('Conversation', 'Разговор'),
    'comm.type.useful': ('Useful content', 'Полезное'),
    'comm.type.promo': ('Promo', 'Промо'),
    'comm.post_types': ('Conversation, useful content or promo?', 'Разговор, польза или промо?'),
    'comm.post_types.lesson': (
        'Selling in social media is driving nails with a chisel: promo posts engage less and cost followers. '
        'Here is what your own posts show.',
        'Продавать в соцсетях — всё равно что забивать гвозди стамеской: промо-посты вовлекают меньше и '
        'стоят подписчиков. Вот что показывают ваши собственные публикации.',
    ),
    'comm.promo.er': (
        '**Promo posts engage {mult}× as much as conversation and useful posts** (engagement rate by reach '
        '{promo} vs {other}; 95% interval {low}–{high}×).',
        '**Вовлечённость промо-постов — {mult}× от уровня разговорных и полезных** (по охвату '
        '{promo} против {other}; 95%-интервал {low}–{high}×).',
    ),
    'comm.promo.unfollows': (
        '**Each promo post costs about {promo} of followers** on top of the usual unfollows (95% interval '
        '{low}–{high}); other posts {other}. With {followers} followers at the end of the period that is '
        '≈ {people} people per promo post.',
        '**Каждый промо-пост стоит примерно {promo} подписчиков** сверх обычных отписок (95%-интервал '
        '{low}–{high}); другие публикации — {other}. При {followers} подписчиках на конец периода это '
        '≈ {people} человек на промо-пост.',
    ),
    'comm.promo.too_few': (
        'Too few promo or other posts in this period to compare them: choose a longer period.',
        'В этом периоде слишком мало промо- или других публикаций, чтобы их сравнить: выберите период длиннее.',
    ),
    'comm.post_types.method': (
        'Intervals are 95%. Engagement rate: ratio of sums over posts, its interval from the post-to-post '
        'spread (delta method). Extra unfollows: regression of each day\'s unfollows / followers on that '
        'day\'s posts of each type, one baseline per network, robust standard errors.',
        'Интервалы 95%. Вовлечённость — отношение сумм по публикациям, интервал по разбросу между '
        'публикациями (дельта-метод). Дополнительные отписки — регрессия дневной доли отписок на число '
        'публикаций каждого типа в этот день, своя база для каждой сети, устойчивые стандартные ошибки.',
    ),
    'comm.top_posts': ('Top posts by {label}', 'Лучшие публикации: {label}'),
    'comm.col.type': ('Post type', 'Тип публикации'),
    'comm.col.posts': ('Posts', 'Публикации'),
    'comm.col.unfollows': (
        'Extra unfollows per post (share of followers)',
        'Доп. отписки на публикацию (доля подписчиков)',
    ),
    'comm.col.network': ('Network', 'Соцсеть'),
    'comm.col.followers_end': ('Followers at the end', 'Подписчики на конец'),
    'comm.col.date': ('Date', 'Дата'),
    'comm.col.title': ('Title', 'Заголовок'),
    'comm.col.mailing': ('Mailing', 'Рассылка'),
    'comm.col.sends': ('Sends', 'Отправки'),
    'comm.col.nps_class': ('Latest NPS answer', 'Последний ответ NPS'),
    'comm.col.customers': ('Customers', 'Клиенты'),
    'comm.col.per_100': ('Per 100 customers', 'На 100 клиентов'),
    'comm.col.vs_detractors': ('vs detractors', 'к критикам'),
    'comm.col.customers_group': ('Customers', 'Клиенты'),
    'comm.col.buyers': ('Buying customers', 'Покупавшие клиенты'),
    'comm.col.gp_per_customer': ('Gross profit per customer', 'Валовая прибыль на клиента'),
    'comm.col.gp_share': ('Share of gross profit', 'Доля валовой прибыли'),
    'comm.email': ('E-mail newsletter', 'E-mail рассылка'),
    'comm.no_email': (
        'No newsletters were sent in this period for the selected channels. Choose another period, or include '
        '"E-mail newsletter" in the channel filter.',
        'В этом периоде рассылок по выбранным каналам не было. Выберите другой период или добавьте '
        '«E-mail рассылка» в фильтр каналов.',
    ),
    'comm.kpi.sends': ('{sends} sends', 'Отправок: {sends}'),
    'comm.email_funnel': ('Delivered → opened → clicked', 'Доставлено → открыто → переход'),
    'comm.email_trend': ('Open and click rates', 'Доля открытий и переходов'),
    'comm.axis.share_of_delivered': ('Share (%)', 'Доля (%)'),
    'comm.wom': ('Word of mouth', 'Сарафанное радио'),
    'comm.wom.scope': (
        'Company-wide: the channel filter does not apply here (referral share is taken over all new customers); '
        'the region filter does.',
        'По всей компании: фильтр каналов здесь не применяется (доля рекомендаций — от всех новых клиентов); '
        'фильтр регионов применяется.',
    ),
    'comm.no_customers': (
        'No new customers in this period. Choose another period in the sidebar.',
        'В этом периоде новых клиентов нет. Выберите другой период на боковой панели.',
    ),
    'comm.kpi.new_customers': ('of {n} new customers', 'из {n} новых клиентов'),
    'comm.kpi.revenue_share': ('{share} of all revenue', '{share} всей выручки'),
    'comm.kpi.gp_share': ('{share} of all gross profit', '{share} всей валовой прибыли'),
    'comm.kpi.gp_per_customer': (
        'Gross profit per buying customer in the period: **{referred}** from a referred customer, '
        '{other} from any other.',
        'Валовая прибыль на покупавшего клиента за период: **{referred}** от пришедшего по рекомендации, '
        '{other} от остальных.',
    ),
    'comm.kpi.per_promoter': ('Detractors: {detractors} per 100', 'Критики: {detractors} на 100'),
    'comm.referral_trend': ('Share of new customers who came by referral', 'Доля новых клиентов по рекомендации'),
    'comm.axis.share_of_new': ('Share of new customers (%)', 'Доля новых клиентов (%)'),
    'comm.referred_value': ('What referred customers bring', 'Что приносят клиенты по рекомендации'),
    'comm.group.referred': ('Came by referral', 'Пришли по рекомендации'),
    'comm.group.other': ('All others', 'Все остальные'),
    'comm.by_class': ('Who refers: promoters vs detractors', 'Кто рекомендует: промоутеры и критики'),
    'comm.class.promoter': ('Promoters (9–10)', 'Промоутеры (9–10)'),
    'comm.class.passive': ('Passives (7–8)', 'Нейтралы (7–8)'),
    'comm.class.detractor': ('Detractors (0–6)', 'Критики (0–6)'),
    'comm.by_class.method': (
        'Customers are classed by their latest NPS answer before the end of the period; referrals are those '
        'made in the period. Customers who never answered are not counted.',
        'Клиенты разделены по последнему ответу NPS до конца периода; рекомендации — сделанные за период. '
        'Клиенты, не отвечавшие на опрос, не учитываются.',
    ),
    'comm.overview.no_followers': ('No follower data in this period', 'В этом периоде нет данных о подписчиках'),
    'comm.overview.no_customers': ('No new customers in this period', 'В этом периоде новых клиентов нет'),
}
