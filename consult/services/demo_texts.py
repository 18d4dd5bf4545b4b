"""Long answers for the demo and for measuring the theme analysis: themes planted in six languages.

Each planted theme has sentences in the six UN languages, written as a government or an
organisation would describe its practice. An answer is one or two themes' sentences, in the
respondent's language, sometimes with a sentence that belongs to no theme; a campaign is a
template letter, lightly edited by each organisation that sends it. `labelled_corpus` draws a
corpus whose themes and campaigns are known, to measure precision and recall against.
"""

import random
from dataclasses import dataclass

# The respondent's language, by UN M49 region: the official languages spoken there, most common first.
LANGUAGES_BY_REGION = {
    "m49-002": (("fr", 0.4), ("en", 0.4), ("ar", 0.2)),
    "m49-019": (("es", 0.6), ("en", 0.4)),
    "m49-142": (("en", 0.5), ("ar", 0.2), ("zh", 0.15), ("ru", 0.15)),
    "m49-150": (("en", 0.4), ("fr", 0.3), ("ru", 0.2), ("es", 0.1)),
    "m49-009": (("en", 1.0),),
}
OTHER_SENTENCE_SHARE = 0.3
DETAIL_SHARE = 0.5
SECOND_THEME_SHARE = 0.3

THEMES = {
    "data": {
        "en": [
            "The lack of data disaggregated by migration status remains the main obstacle to sound policy.",
            "Our national statistics office added questions on migration to the census and the labour force survey.",
            "We are building a migration data system that links border records, residence permits and census data.",
            "Reliable statistics on migrant stocks and flows are still missing, so policies rest on estimates.",
            "A migration profile is updated every year with data from the ministries and the statistics office.",
            "We need help to collect comparable data on migration and to share it across government.",
        ],
        "fr": [
            "Le manque de données ventilées par statut migratoire reste le principal obstacle à une bonne politique.",
            "L'institut national de statistique a ajouté des questions sur la migration au recensement et à l'enquête emploi.",
            "Nous construisons un système de données migratoires reliant les registres aux frontières, les titres de séjour et le recensement.",
            "Des statistiques fiables sur les stocks et les flux de migrants font encore défaut ; les politiques reposent sur des estimations.",
            "Un profil migratoire est mis à jour chaque année avec les données des ministères et de l'institut de statistique.",
            "Nous avons besoin d'appui pour collecter des données comparables sur la migration et les partager entre administrations.",
        ],
        "es": [
            "La falta de datos desglosados por situación migratoria sigue siendo el principal obstáculo para una buena política.",
            "El instituto nacional de estadística añadió preguntas sobre migración al censo y a la encuesta de empleo.",
            "Estamos creando un sistema de datos migratorios que vincula los registros fronterizos, los permisos de residencia y el censo.",
            "Siguen faltando estadísticas fiables sobre los stocks y flujos de migrantes; las políticas se basan en estimaciones.",
            "Cada año se actualiza un perfil migratorio con datos de los ministerios y del instituto de estadística.",
            "Necesitamos apoyo para recopilar datos comparables sobre la migración y compartirlos entre las instituciones.",
        ],
        "ar": [
            "لا يزال نقص البيانات المصنفة حسب الوضع المهاجر العائق الرئيسي أمام سياسات سليمة.",
            "أضاف المكتب الوطني للإحصاء أسئلة عن الهجرة إلى التعداد العام للسكان ومسح القوى العاملة.",
            "نعمل على إنشاء نظام لبيانات الهجرة يربط سجلات الحدود وتصاريح الإقامة وبيانات التعداد.",
            "لا تزال الإحصاءات الموثوقة عن أعداد المهاجرين وتدفقاتهم غير متوفرة.",
        ],
        "ru": [
            "Отсутствие данных в разбивке по миграционному статусу остаётся главным препятствием для обоснованной политики.",
            "Национальная статистическая служба добавила вопросы о миграции в перепись населения и обследование рабочей силы.",
            "Мы создаём систему данных о миграции, связывающую пограничные записи, виды на жительство и данные переписи.",
            "Надёжной статистики о численности и потоках мигрантов по-прежнему не хватает.",
        ],
        "zh": [
            "缺乏按移民身份分列的数据仍然是制定合理政策的主要障碍。",
            "国家统计局在人口普查和劳动力调查中增加了有关移民的问题。",
            "我们正在建立一个移民数据系统，将边境记录、居留许可和人口普查数据联系起来。",
            "关于移民存量和流量的可靠统计数据仍然缺乏。",
        ],
    },
    "labour": {
        "en": [
            "A bilateral labour agreement now protects seasonal workers, with contracts checked before departure.",
            "Recruitment agencies must be licensed and may no longer charge fees to migrant workers.",
            "Labour inspectors were trained to detect abuse of migrant domestic workers and withheld wages.",
            "We recognise the skills and diplomas of returning workers so that they find jobs at their level.",
            "Pre-departure orientation tells workers their rights, their contract and whom to call abroad.",
            "Fair recruitment is our priority: workers should never pay to get a job abroad.",
        ],
        "fr": [
            "Un accord bilatéral de main-d'œuvre protège désormais les travailleurs saisonniers, avec des contrats vérifiés avant le départ.",
            "Les agences de recrutement doivent être agréées et ne peuvent plus faire payer de frais aux travailleurs migrants.",
            "Les inspecteurs du travail ont été formés à détecter les abus envers les travailleurs domestiques migrants et les salaires retenus.",
            "Nous reconnaissons les compétences et les diplômes des travailleurs de retour pour qu'ils trouvent un emploi à leur niveau.",
            "Une orientation avant le départ informe les travailleurs de leurs droits, de leur contrat et de qui appeler à l'étranger.",
            "Le recrutement équitable est notre priorité : aucun travailleur ne devrait payer pour obtenir un emploi à l'étranger.",
        ],
        "es": [
            "Un acuerdo bilateral de trabajo protege ahora a los trabajadores temporeros, con contratos verificados antes de la salida.",
            "Las agencias de contratación deben tener licencia y ya no pueden cobrar comisiones a los trabajadores migrantes.",
            "Los inspectores de trabajo se formaron para detectar abusos contra las trabajadoras domésticas migrantes y salarios retenidos.",
            "Reconocemos las competencias y los títulos de los trabajadores que regresan para que encuentren empleo a su nivel.",
            "Una orientación previa a la salida informa a los trabajadores de sus derechos, su contrato y a quién llamar en el extranjero.",
            "La contratación equitativa es nuestra prioridad: ningún trabajador debería pagar para conseguir un empleo en el extranjero.",
        ],
        "ar": [
            "يحمي اتفاق ثنائي للعمل الآن العمال الموسميين، مع التحقق من العقود قبل المغادرة.",
            "يجب أن تكون وكالات التوظيف مرخصة ولم يعد يحق لها تقاضي رسوم من العمال المهاجرين.",
            "تم تدريب مفتشي العمل على كشف الانتهاكات ضد العمال المنزليين المهاجرين والأجور المحتجزة.",
            "التوظيف العادل أولويتنا: لا ينبغي لأي عامل أن يدفع للحصول على عمل في الخارج.",
        ],
        "ru": [
            "Двустороннее соглашение о трудовой миграции теперь защищает сезонных работников, контракты проверяются до отъезда.",
            "Агентства по найму должны иметь лицензию и больше не могут взимать плату с трудящихся-мигрантов.",
            "Трудовые инспекторы обучены выявлять злоупотребления в отношении домашних работников-мигрантов и задержку зарплаты.",
            "Справедливый наём — наш приоритет: работник не должен платить за работу за границей.",
        ],
        "zh": [
            "一项双边劳务协议现在保护季节性工人，合同在出发前经过核查。",
            "招聘机构必须持有执照，不得再向移民工人收取费用。",
            "劳动监察员接受了培训，以发现对移民家政工人的虐待和拖欠工资。",
            "公平招聘是我们的优先事项：任何工人都不应为获得海外工作而付费。",
        ],
    },
    "diaspora": {
        "en": [
            "The cost of sending remittances fell after we opened the market to mobile money transfers.",
            "A diaspora bond lets emigrants invest their savings in housing and infrastructure at home.",
            "Our diaspora council meets the government twice a year on investment and skills transfer.",
            "Matching funds double the money that hometown associations raise for schools and clinics.",
            "We publish a comparison of remittance fees so that families choose the cheapest transfer.",
        ],
        "fr": [
            "Le coût des transferts de fonds a baissé après l'ouverture du marché aux transferts par téléphone mobile.",
            "Un emprunt obligataire de la diaspora permet aux émigrés d'investir leur épargne dans le logement et les infrastructures du pays.",
            "Notre conseil de la diaspora rencontre le gouvernement deux fois par an sur l'investissement et le transfert de compétences.",
            "Des fonds de contrepartie doublent l'argent que les associations de ressortissants collectent pour les écoles et les dispensaires.",
            "Nous publions une comparaison des frais d'envoi d'argent pour que les familles choisissent le transfert le moins cher.",
        ],
        "es": [
            "El costo del envío de remesas bajó tras abrir el mercado a las transferencias por teléfono móvil.",
            "Un bono de la diáspora permite a los emigrantes invertir sus ahorros en vivienda e infraestructura en el país.",
            "Nuestro consejo de la diáspora se reúne con el gobierno dos veces al año sobre inversión y transferencia de conocimientos.",
            "Fondos de contrapartida duplican el dinero que las asociaciones de oriundos recaudan para escuelas y clínicas.",
            "Publicamos una comparación de las comisiones de las remesas para que las familias elijan el envío más barato.",
        ],
        "ar": [
            "انخفضت تكلفة إرسال التحويلات المالية بعد فتح السوق أمام التحويلات عبر الهاتف المحمول.",
            "تتيح سندات المغتربين للمهاجرين استثمار مدخراتهم في السكن والبنية التحتية في الوطن.",
            "يجتمع مجلس المغتربين مع الحكومة مرتين في السنة بشأن الاستثمار ونقل المهارات.",
        ],
        "ru": [
            "Стоимость денежных переводов снизилась после открытия рынка для мобильных переводов.",
            "Облигации диаспоры позволяют эмигрантам вкладывать сбережения в жильё и инфраструктуру на родине.",
            "Совет диаспоры встречается с правительством дважды в год по вопросам инвестиций и передачи навыков.",
        ],
        "zh": [
            "在向移动支付转账开放市场后，汇款成本有所下降。",
            "侨民债券使移民能够将储蓄投资于国内的住房和基础设施。",
            "我们的侨民理事会每年与政府会面两次，讨论投资和技能转让。",
        ],
    },
    "integration": {
        "en": [
            "Free language courses and civic orientation are offered to every newcomer in the first year.",
            "A national campaign against xenophobia shows migrants as neighbours, workers and entrepreneurs.",
            "Journalists are trained to report on migration with facts rather than stereotypes.",
            "Municipalities run welcome centres where migrants and residents meet and volunteer together.",
            "Our anti-discrimination law now covers access to housing and employment for migrants.",
        ],
        "fr": [
            "Des cours de langue gratuits et une orientation civique sont proposés à chaque nouvel arrivant la première année.",
            "Une campagne nationale contre la xénophobie montre les migrants comme des voisins, des travailleurs et des entrepreneurs.",
            "Les journalistes sont formés à traiter de la migration avec des faits plutôt qu'avec des stéréotypes.",
            "Les communes gèrent des centres d'accueil où migrants et habitants se rencontrent et font du bénévolat ensemble.",
            "Notre loi contre la discrimination couvre désormais l'accès des migrants au logement et à l'emploi.",
        ],
        "es": [
            "Se ofrecen cursos de idioma gratuitos y orientación cívica a cada recién llegado durante el primer año.",
            "Una campaña nacional contra la xenofobia muestra a los migrantes como vecinos, trabajadores y emprendedores.",
            "Los periodistas reciben formación para informar sobre la migración con hechos y no con estereotipos.",
            "Los municipios gestionan centros de acogida donde migrantes y vecinos se encuentran y hacen voluntariado juntos.",
            "Nuestra ley contra la discriminación abarca ahora el acceso de los migrantes a la vivienda y al empleo.",
        ],
        "ar": [
            "تقدم دروس لغة مجانية وتوجيه مدني لكل وافد جديد في السنة الأولى.",
            "تظهر حملة وطنية ضد كراهية الأجانب المهاجرين كجيران وعمال ورواد أعمال.",
            "يتم تدريب الصحفيين على تغطية الهجرة بالحقائق بدلا من الصور النمطية.",
        ],
        "ru": [
            "Каждому новоприбывшему в первый год предлагаются бесплатные языковые курсы и гражданская ориентация.",
            "Национальная кампания против ксенофобии показывает мигрантов как соседей, работников и предпринимателей.",
            "Журналистов обучают освещать миграцию на основе фактов, а не стереотипов.",
        ],
        "zh": [
            "每位新来者在第一年都可免费参加语言课程和公民指导。",
            "一场全国性的反仇外运动将移民展示为邻居、工人和企业家。",
            "记者接受培训，以事实而非刻板印象报道移民问题。",
        ],
    },
    "rights": {
        "en": [
            "Every migrant, whatever their status, can see a doctor in public clinics without fear of being reported.",
            "Children of migrants go to public school whatever their parents' residence status.",
            "Alternatives to detention, such as reporting duties and case workers, replaced detention of families.",
            "Legal aid clinics help migrants in an irregular situation to claim unpaid wages and report abuse.",
            "The ombudsman receives complaints from migrants and visits places where they are held.",
        ],
        "fr": [
            "Tout migrant, quel que soit son statut, peut consulter un médecin dans les centres de santé publics sans crainte d'être dénoncé.",
            "Les enfants de migrants vont à l'école publique quel que soit le statut de séjour de leurs parents.",
            "Des alternatives à la rétention, comme l'obligation de se présenter et l'accompagnement social, ont remplacé la rétention des familles.",
            "Des permanences juridiques aident les migrants en situation irrégulière à réclamer leurs salaires impayés et à signaler les abus.",
            "Le médiateur reçoit les plaintes des migrants et visite les lieux où ils sont retenus.",
        ],
        "es": [
            "Todo migrante, cualquiera que sea su situación, puede ver a un médico en los centros de salud públicos sin temor a ser denunciado.",
            "Los hijos de migrantes asisten a la escuela pública cualquiera que sea la situación de residencia de sus padres.",
            "Alternativas a la detención, como la obligación de presentarse y el acompañamiento social, sustituyeron la detención de familias.",
            "Clínicas jurídicas ayudan a los migrantes en situación irregular a reclamar salarios impagos y denunciar abusos.",
            "La defensoría del pueblo recibe las quejas de los migrantes y visita los lugares donde están detenidos.",
        ],
        "ar": [
            "يمكن لكل مهاجر، أيا كان وضعه، مراجعة طبيب في العيادات العامة دون خوف من الإبلاغ عنه.",
            "يلتحق أطفال المهاجرين بالمدارس العامة أيا كان وضع إقامة والديهم.",
            "حلت بدائل الاحتجاز محل احتجاز الأسر.",
        ],
        "ru": [
            "Любой мигрант, независимо от статуса, может обратиться к врачу в государственной поликлинике, не опасаясь доноса.",
            "Дети мигрантов ходят в государственную школу независимо от статуса проживания родителей.",
            "Альтернативы содержанию под стражей заменили задержание семей.",
        ],
        "zh": [
            "每个移民，无论其身份如何，都可以在公立诊所看病而不必担心被举报。",
            "移民子女无论其父母的居留身份如何都可以上公立学校。",
            "拘留替代办法取代了对家庭的拘留。",
        ],
    },
    "trafficking": {
        "en": [
            "A national referral mechanism identifies victims of trafficking and gives them shelter and counselling.",
            "Border guards and police were trained to recognise victims of human trafficking and smuggling.",
            "Prosecutions of traffickers doubled after a specialised unit was created in the prosecutor's office.",
            "A hotline in six languages lets victims of trafficking ask for help anonymously.",
        ],
        "fr": [
            "Un mécanisme national d'orientation identifie les victimes de la traite et leur offre un hébergement et un soutien psychologique.",
            "Les gardes-frontières et la police ont été formés à reconnaître les victimes de la traite des êtres humains et du trafic de migrants.",
            "Les poursuites contre les trafiquants ont doublé depuis la création d'une unité spécialisée au parquet.",
            "Une ligne d'urgence en six langues permet aux victimes de la traite de demander de l'aide anonymement.",
        ],
        "es": [
            "Un mecanismo nacional de derivación identifica a las víctimas de trata y les ofrece albergue y apoyo psicológico.",
            "Los guardias fronterizos y la policía se formaron para reconocer a las víctimas de la trata de personas y del tráfico de migrantes.",
            "Los procesos contra los tratantes se duplicaron tras crear una unidad especializada en la fiscalía.",
            "Una línea de ayuda en seis idiomas permite a las víctimas de trata pedir ayuda de forma anónima.",
        ],
        "ar": [
            "تحدد آلية إحالة وطنية ضحايا الاتجار بالبشر وتوفر لهم المأوى والدعم النفسي.",
            "تم تدريب حرس الحدود والشرطة على التعرف على ضحايا الاتجار بالبشر وتهريب المهاجرين.",
        ],
        "ru": [
            "Национальный механизм перенаправления выявляет жертв торговли людьми и предоставляет им приют и консультации.",
            "Пограничники и полиция обучены распознавать жертв торговли людьми и незаконного ввоза мигрантов.",
        ],
        "zh": [
            "国家转介机制识别人口贩运受害者，并为他们提供庇护和心理辅导。",
            "边防人员和警察接受了识别人口贩运和偷运移民受害者的培训。",
        ],
    },
    "crisis": {
        "en": [
            "During the conflict our consulates evacuated stranded nationals and paid for their flights home.",
            "Returnees from the crisis receive reintegration grants, training and help to start a business.",
            "The disaster plan now includes migrants, with warnings in their languages and access to shelters.",
            "An emergency fund for migrants caught in crises abroad covers evacuation and consular assistance.",
        ],
        "fr": [
            "Pendant le conflit, nos consulats ont évacué les ressortissants bloqués et payé leur vol de retour.",
            "Les personnes rentrées après la crise reçoivent une aide à la réintégration, une formation et un appui pour créer une entreprise.",
            "Le plan de gestion des catastrophes inclut désormais les migrants, avec des alertes dans leurs langues et l'accès aux abris.",
            "Un fonds d'urgence pour les migrants pris dans des crises à l'étranger couvre l'évacuation et l'assistance consulaire.",
        ],
        "es": [
            "Durante el conflicto nuestros consulados evacuaron a los nacionales varados y pagaron su vuelo de regreso.",
            "Los retornados tras la crisis reciben ayudas de reintegración, formación y apoyo para crear una empresa.",
            "El plan de desastres incluye ahora a los migrantes, con alertas en sus idiomas y acceso a los albergues.",
            "Un fondo de emergencia para migrantes atrapados en crisis en el extranjero cubre la evacuación y la asistencia consular.",
        ],
        "ar": [
            "خلال النزاع قامت قنصلياتنا بإجلاء المواطنين العالقين ودفعت تكاليف رحلات عودتهم.",
            "يحصل العائدون من الأزمة على منح لإعادة الإدماج وتدريب ومساعدة على إنشاء مشروع.",
        ],
        "ru": [
            "Во время конфликта наши консульства эвакуировали застрявших граждан и оплатили их возвращение домой.",
            "Вернувшиеся после кризиса получают гранты на реинтеграцию, обучение и помощь в открытии бизнеса.",
        ],
        "zh": [
            "冲突期间，我们的领事馆撤离了滞留的公民，并支付了他们回国的机票。",
            "危机后的回返者获得重返社会补助、培训和创业帮助。",
        ],
    },
    "coordination": {
        "en": [
            "An inter-ministerial committee on migration brings together labour, interior, foreign affairs and health.",
            "Migration is now part of our national development plan, with targets and a budget line.",
            "Local authorities sit with the ministries in the national coordination mechanism on migration.",
            "A whole-of-government migration policy was adopted after consulting civil society and employers.",
        ],
        "fr": [
            "Un comité interministériel sur la migration réunit le travail, l'intérieur, les affaires étrangères et la santé.",
            "La migration fait désormais partie de notre plan national de développement, avec des objectifs et une ligne budgétaire.",
            "Les collectivités locales siègent avec les ministères dans le mécanisme national de coordination sur la migration.",
            "Une politique migratoire associant tout le gouvernement a été adoptée après consultation de la société civile et des employeurs.",
        ],
        "es": [
            "Un comité interministerial sobre migración reúne a trabajo, interior, relaciones exteriores y salud.",
            "La migración forma parte ahora de nuestro plan nacional de desarrollo, con metas y una partida presupuestaria.",
            "Las autoridades locales participan con los ministerios en el mecanismo nacional de coordinación sobre migración.",
            "Se adoptó una política migratoria de todo el gobierno tras consultar a la sociedad civil y a los empleadores.",
        ],
        "ar": [
            "تجمع لجنة وزارية مشتركة للهجرة وزارات العمل والداخلية والخارجية والصحة.",
            "أصبحت الهجرة جزءا من خطتنا الوطنية للتنمية، مع أهداف وبند في الميزانية.",
        ],
        "ru": [
            "Межведомственный комитет по миграции объединяет министерства труда, внутренних дел, иностранных дел и здравоохранения.",
            "Миграция теперь включена в национальный план развития с целевыми показателями и бюджетной статьёй.",
        ],
        "zh": [
            "一个部际移民委员会汇集了劳工、内政、外交和卫生部门。",
            "移民问题现已纳入我们的国家发展计划，并设有目标和预算项目。",
        ],
    },
}

# Sentences that belong to no theme: what respondents write around their substance.
OTHER_SENTENCES = {
    "en": ["We thank the organisation for this consultation.", "More details can be provided on request.",
           "This remains work in progress.", "We look forward to the Dialogue in New York."],
    "fr": ["Nous remercions l'organisation pour cette consultation.", "Des précisions peuvent être fournies sur demande.",
           "Ce travail reste en cours.", "Nous attendons avec intérêt le Dialogue de New York."],
    "es": ["Agradecemos a la organización esta consulta.", "Se pueden facilitar más detalles si se solicitan.",
           "Este trabajo sigue en curso.", "Esperamos con interés el Diálogo de Nueva York."],
    "ar": ["نشكر المنظمة على هذه المشاورة.", "يمكن تقديم مزيد من التفاصيل عند الطلب."],
    "ru": ["Благодарим организацию за эту консультацию.", "Дополнительные сведения могут быть представлены по запросу."],
    "zh": ["感谢该组织开展此次磋商。", "可应要求提供更多细节。"],
}

# What respondents put around a sentence: where, since when, how many ({n} a number).
OPENERS = {
    "en": ["Since {n},", "In our country,", "As reported last year,", "With partners,", "In {n} provinces,", "Today,",
           "Following the review of {n},", "At national level,"],
    "fr": ["Depuis {n},", "Dans notre pays,", "Comme indiqué l'an dernier,", "Avec nos partenaires,",
           "Dans {n} provinces,", "Aujourd'hui,", "À la suite de l'évaluation de {n},", "Au niveau national,"],
    "es": ["Desde {n},", "En nuestro país,", "Como se informó el año pasado,", "Con nuestros socios,",
           "En {n} provincias,", "Hoy,", "Tras la evaluación de {n},", "A nivel nacional,"],
    "ar": ["منذ {n}،", "في بلدنا،", "على المستوى الوطني،"],
    "ru": ["С {n} года", "В нашей стране", "На национальном уровне"],
    "zh": ["自{n}年以来，", "在我国，", "在国家一级，"],
}
DETAILS = {
    "en": ["About {n} people benefited.", "The programme costs {n} thousand dollars a year.",
           "An evaluation is planned for {n}.", "{n} officials took part."],
    "fr": ["Environ {n} personnes en ont bénéficié.", "Le programme coûte {n} milliers de dollars par an.",
           "Une évaluation est prévue pour {n}.", "{n} agents y ont participé."],
    "es": ["Unas {n} personas se beneficiaron.", "El programa cuesta {n} mil dólares al año.",
           "Se prevé una evaluación para {n}.", "Participaron {n} funcionarios."],
    "ar": ["استفاد نحو {n} شخص.", "من المقرر إجراء تقييم في {n}."],
    "ru": ["Около {n} человек получили помощь.", "Оценка запланирована на {n} год."],
    "zh": ["约有{n}人受益。", "计划于{n}年进行评估。"],
}

# The template letter of a campaign, sentence by sentence; each sender edits it a little.
CAMPAIGN_LETTERS = {
    "en": [
        "As members of the Global Coalition for Safe Passage, we urge governments to open regular pathways for people on the move.",
        "Every year thousands die at sea and in deserts because no legal route exists for them.",
        "We call for humanitarian visas, family reunification without delay and an end to pushbacks at borders.",
        "Search and rescue at sea must never be criminalised.",
        "We stand ready to work with the Dialogue to make migration safe for all.",
    ],
    "fr": [
        "En tant que membres de la Coalition mondiale pour un passage sûr, nous exhortons les gouvernements à ouvrir des voies régulières aux personnes en déplacement.",
        "Chaque année, des milliers de personnes meurent en mer et dans les déserts faute de voie légale.",
        "Nous demandons des visas humanitaires, le regroupement familial sans délai et la fin des refoulements aux frontières.",
        "Le sauvetage en mer ne doit jamais être criminalisé.",
        "Nous sommes prêts à travailler avec le Dialogue pour que la migration soit sûre pour tous.",
    ],
    "es": [
        "Como miembros de la Coalición Mundial por un Paso Seguro, instamos a los gobiernos a abrir vías regulares para las personas en movimiento.",
        "Cada año mueren miles de personas en el mar y en los desiertos porque no existe una vía legal para ellas.",
        "Pedimos visados humanitarios, reunificación familiar sin demora y el fin de las devoluciones en las fronteras.",
        "El salvamento en el mar nunca debe ser criminalizado.",
        "Estamos dispuestos a trabajar con el Diálogo para que la migración sea segura para todos.",
    ],
}
# Small edits a sender makes to the letter: a word changed here or there.
LETTER_EDITS = {
    "en": [("urge", "call on"), ("thousands", "many people"), ("ready", "willing"), ("safe for all", "safe and dignified")],
    "fr": [("exhortons", "appelons"), ("des milliers de personnes", "trop de personnes"), ("prêts", "disposés")],
    "es": [("instamos", "pedimos"), ("miles de personas", "demasiadas personas"), ("dispuestos", "preparados")],
}


@dataclass(frozen=True)
class LabelledAnswer:
    text: str
    language: str
    themes: frozenset[str]
    campaign: str = ""


def region_language(region_code: str, rng: random.Random) -> str:
    """Return the language a respondent of the region writes in, drawn by the region's usual languages."""
    languages = LANGUAGES_BY_REGION.get(region_code, (("en", 1.0),))
    return rng.choices([code for code, _share in languages], [share for _code, share in languages])[0]


def themed_answer(language: str, rng: random.Random, themes=None) -> LabelledAnswer:
    """Return an answer on one theme (sometimes two), in the language, with its themes."""
    language = language if language in OTHER_SENTENCES else "en"
    keys = list(themes or THEMES)
    chosen = rng.sample(keys, 2 if rng.random() < SECOND_THEME_SHARE and len(keys) > 1 else 1)
    sentences = []
    for key in chosen:
        bank = THEMES[key][language]
        sentences += [varied(sentence, language, rng) for sentence in rng.sample(bank, rng.randint(1, 2))]
    if rng.random() < DETAIL_SHARE:
        sentences.append(rng.choice(DETAILS[language]).format(n=rng.randint(12, 9000)))
    if rng.random() < OTHER_SENTENCE_SHARE:
        sentences.insert(rng.randint(0, len(sentences)), rng.choice(OTHER_SENTENCES[language]))
    return LabelledAnswer(" ".join(sentences), language, frozenset(chosen))


def varied(sentence: str, language: str, rng: random.Random) -> str:
    """Return the sentence, half the time opened by where or since when, as respondents write."""
    if rng.random() < 0.5:
        return sentence
    opener = rng.choice(OPENERS[language]).format(n=rng.randint(3, 2012))
    if language in ("zh", "ar"):
        return f"{opener}{sentence}" if language == "zh" else f"{opener} {sentence}"
    return f"{opener} {sentence[0].lower()}{sentence[1:]}"


def campaign_answer(language: str, rng: random.Random, sender: str = "", campaign: str = "safe-passage") -> LabelledAnswer:
    """Return the campaign letter as one sender sends it: signed, a sentence or a word changed."""
    language = language if language in CAMPAIGN_LETTERS else "en"
    sentences = list(CAMPAIGN_LETTERS[language])
    if rng.random() < 0.3:
        del sentences[rng.randrange(1, len(sentences))]
    text = " ".join(sentences)
    for old, new in rng.sample(LETTER_EDITS[language], rng.randint(0, 2)):
        text = text.replace(old, new)
    return LabelledAnswer(f"{text} {sender}".strip(), language, frozenset(), campaign)


def labelled_corpus(size: int, languages=("en", "fr", "es"), *, seed: int = 7, campaign_share: float = 0.05,
                    themes=None) -> list[LabelledAnswer]:
    """Return `size` answers in the languages, with themes planted and a share sent as one campaign."""
    rng = random.Random(seed)
    campaigners = round(size * campaign_share)
    letter_language = rng.choice(languages)  # A template letter circulates in one language.
    corpus = [campaign_answer(letter_language, rng, f"Organisation {number}") for number in range(campaigners)]
    corpus += [themed_answer(rng.choice(languages), rng, themes) for _ in range(size - campaigners)]
    rng.shuffle(corpus)
    return corpus
