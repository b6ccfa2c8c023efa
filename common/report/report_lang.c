/*  report_lang: the report's sentences in French, Spanish, Russian and
    Arabic, one table per language (see report_lang.h).

    The wording follows the SPT's annual reports in each language and the
    UN's terminology for them: Sous-Comité pour la prévention de la
    torture, mécanisme national de prévention, États parties; Subcomité
    para la Prevención de la Tortura, mecanismo nacional de prevención,
    Estados partes; Подкомитет по предупреждению пыток, национальный
    превентивный механизм, государства-участники; اللجنة الفرعية لمنع
    التعذيب, الآلية الوقائية الوطنية, الدول الأطراف (docs/REPORT.md lists
    the sources).  Figures are in Western digits in every language, as UN
    Arabic documents write them; thousands are grouped with a no-break
    space in French and Russian, a point in Spanish and a comma in Arabic,
    as the UN's editorial rules for each language do. */
#include <string.h>

#include "datefmt.h"
#include "report_lang.h"

#define NBSP "\u00a0"

static const report_lang_t s_fr = {
    .code = "fr",
    .style = DATEFMT_FR,
    .group = NBSP,
    .decimal = ",",
    .sep = ", ",
    .and_ = " et ",
    .as_at = "Au {0}",
    .as_at_mid = "au {0}",
    .in_year = "En {0}",
    .in_year_mid = "en {0}",
    .in_period = "Pendant la période considérée",
    .in_period_mid = "pendant la période considérée",
    .by_end = "À la fin de {0}",
    .more_than = "plus de {0}",
    .about = "environ {0}",
    .range = "du {0} au {1}",
    .not_recorded = "{0} ({1}) : information non consignée.",
    .what = {"Nombre de sessions tenues",
             "Montant des subventions accordées par le Fonds spécial",
             "Montant des contributions reçues par le Fonds spécial",
             "Nombre de visites effectuées",
             "Notifications de la création de mécanismes nationaux de "
             "prévention",
             "Liste des États parties ne respectant pas l'article 17 du "
             "Protocole facultatif",
             "Nombre de mécanismes nationaux de prévention désignés",
             "Visites annoncées", "Nombre d'États parties",
             "Nombre de signataires", "États devenus parties"},
    .usd = "{0} dollars des États-Unis",
    .eur = "{0} euros",
    .money = "{0} {1}",
    .title = "# Rapport annuel du Sous-Comité pour la prévention de la "
             "torture et autres peines ou traitements cruels, inhumains ou "
             "dégradants\n\n",
    .title_n = "# {0}e rapport annuel du Sous-Comité pour la prévention de "
               "la torture et autres peines ou traitements cruels, inhumains "
               "ou dégradants\n\n",
    .intro = "## I. Introduction\n\nLe présent rapport rend compte des "
             "activités menées par le Sous-Comité {1}.\n\n## II. Questions "
             "d'organisation et questions diverses\n\n### A. Participation "
             "au système du Protocole facultatif\n\n",
    .regions = {"États d'Afrique", "États d'Asie et du Pacifique",
                "États d'Europe orientale",
                "États d'Amérique latine et des Caraïbes",
                "États d'Europe occidentale et autres États"},
    .region_col = "Groupe régional",
    .parties_col = "États parties",
    .signatories_col = "Signataires",
    .instruments = {"adhésion", "ratification", "succession"},
    .parties = "{0}, le nombre d'États parties au Protocole facultatif "
               "s'élevait à {1} et celui des signataires à {2}.",
    .parties_only = "{0}, le nombre d'États parties au Protocole facultatif "
                    "s'élevait à {1}.",
    .signatories_only = "{0}, le nombre de signataires du Protocole "
                        "facultatif s'élevait à {1}.",
    .joined = "{0}, les États suivants sont devenus parties au Protocole "
              "facultatif : {1}.",
    .joined_none = "{0}, aucun État n'est devenu partie au Protocole "
                   "facultatif.",
    .joined_item = "{0} ({1}, {2})",
    .parties_regions = "La répartition des États parties par groupe "
                       "régional est la suivante :",
    .signatories_regions = "La répartition des signataires par groupe "
                           "régional est la suivante :",
    .signatories_note = "{0}, les signataires étaient les suivants : {1}.",
    .sessions_head = "### B. Sessions\n\n",
    .sessions = "{0}, le Sous-Comité a tenu les sessions suivantes{1} : {2}.",
    .sessions_none = "{0}, le Sous-Comité n'a tenu aucune session.",
    .session = "{0}e session ({1})",
    .geneva = " à Genève",
    .new_york = " à New York",
    .fund_head = "### D. Fonds spécial créé en vertu du Protocole "
                 "facultatif\n\n",
    .grants = "{0}, des subventions d'un montant total de {1} ont été "
              "accordées à l'appui de projets de prévention de la torture "
              "(nombre de projets : {2} ; nombre d'États : {3}).",
    .grants_named = " Parmi ces projets figurent des projets menés dans les "
                    "États suivants : {0}.",
    .grants_none = "{0}, aucune subvention n'a été accordée.",
    .donors_first = "Le Sous-Comité remercie vivement les États suivants de "
                    "leur première contribution au Fonds spécial : {0}.",
    .donors_other = " Il remercie également les États suivants de leur "
                    "soutien continu : {0}.",
    .donors = "Le Sous-Comité remercie vivement les États suivants de leurs "
              "contributions au Fonds spécial : {0}.",
    .donor = "{0} ({1})",
    .contributions = "{0}, le Fonds spécial a reçu des contributions "
                     "volontaires d'un montant total de {1}.",
    .contributions_none = "{0}, le Fonds spécial n'a reçu aucune "
                          "contribution.",
    .visits_head = "## III. Visites\n\n### A. Visites effectuées pendant la "
                   "période considérée\n\n",
    .postponed = "Les visites prévues dans les États suivants ont été "
                 "reportées : {0}. ",
    .visits = "Conformément au mandat que lui confèrent les articles 11 et "
              "13 du Protocole facultatif, le Sous-Comité a effectué des "
              "visites {0} dans les États suivants (nombre de visites : "
              "{1}) : {2}.",
    .visits_none = "{0}, le Sous-Comité n'a effectué aucune visite.",
    .visit = "{0} ({1})",
    .interviews = "Au cours de ces visites, le Sous-Comité a mené des "
                  "entretiens individuels et collectifs (nombre "
                  "d'entretiens : {0}). ",
    .interviews_persons = "Au cours de ces visites, le Sous-Comité a mené "
                          "des entretiens individuels et collectifs (nombre "
                          "d'entretiens : {0} ; nombre de personnes "
                          "interrogées : {1}). ",
    .interviews_unknown = "Les entretiens menés et les lieux visités au "
                          "cours de ces visites ne sont pas consignés.",
    .places = "Le Sous-Comité a visité des lieux de privation de liberté "
              "(nombre total : {0}).",
    .places_all = "Le Sous-Comité a visité des lieux de privation de liberté "
                  "(nombre total : {0}) : {1}.",
    .place = "{0} ({1})",
    .place_kinds = {"prisons", "établissements de détention pour femmes",
                    "postes de police", "centres de détention pour mineurs",
                    "établissements psychiatriques et de soins de santé",
                    "centres de rétention pour migrants sans papiers",
                    "centres de désintoxication",
                    "cellules de détention des tribunaux",
                    "établissements de soins pour personnes âgées",
                    "autres lieux"},
    .reports_head = "### B. Rapports de visite\n\n",
    .reports_unknown = "Le nombre de rapports de visite transmis aux États "
                       "parties {0} n'est pas consigné.",
    .reports_sent = "{0}, le nombre de rapports de visite transmis par le "
                    "Sous-Comité aux États parties s'élevait à {1}",
    .reports_stated = "{0}, le nombre de rapports de visite transmis par "
                      "le Sous-Comité s'est élevé à {1} ; ces rapports ne "
                      "sont pas énumérés dans le présent rapport.",
    .reports_sent_part = " ; les rapports transmis pendant la période "
                         "considérée ne sont pas tous consignés",
    .reports_sent_now = ", dont les rapports transmis pendant la période "
                        "considérée aux États suivants : {0}",
    .reports_published = "Sur ces rapports, le nombre de rapports publiés à "
                         "la demande des États parties concernés s'élevait "
                         "{0} à {1}",
    .reports_published_now = ", dont les rapports sur les États suivants, "
                             "publiés pendant la période considérée : {0}",
    .replies_head = "### C. Réponses aux rapports de visite et dialogue de "
                    "suivi\n\n",
    .replies = "Pendant la période considérée, le Sous-Comité a reçu des "
               "réponses des États suivants : {0}.",
    .replies_none = "Pendant la période considérée, le Sous-Comité n'a reçu "
                    "aucune réponse.",
    .replies_unknown = "Les réponses reçues pendant la période considérée ne "
                       "sont pas consignées.",
    .replies_public = " À la demande des États parties concernés, les "
                      "réponses des États suivants ont été rendues "
                      "publiques : {0}.",
    .dialogues = "{0}, des dialogues de suivi ont eu lieu avec les États "
                 "suivants : {1}.",
    .dialogues_none = "{0}, aucun dialogue de suivi n'a eu lieu avec un État "
                      "partie.",
    .dialogues_unknown = "Les dialogues de suivi tenus avec les États "
                         "parties {0} ne sont pas consignés.",
    .npm_dialogues = "{0}, le Sous-Comité avait tenu des dialogues de suivi "
                     "avec les mécanismes nationaux de prévention des États "
                     "suivants : {1}.",
    .npm_head = "## IV. Mécanismes nationaux de prévention\n\n### A. "
                "Obligations des États parties concernant les mécanismes "
                "nationaux de prévention\n\n",
    .designated = "{0}, le Sous-Comité a reçu, avec ses remerciements, des "
                  "notifications de la création de mécanismes nationaux de "
                  "prévention des États suivants : {1}.",
    .designated_none = "{0}, le Sous-Comité n'a reçu aucune notification de "
                       "la création d'un mécanisme national de prévention.",
    .art17 = "{0}, les États parties suivants figuraient sur la liste des "
             "États parties ne respectant pas l'article 17 du Protocole "
             "facultatif (nombre d'États : {1}) : {2}.",
    .art17_none = "{0}, aucun État partie ne figurait sur la liste des États "
                  "parties ne respectant pas l'article 17 du Protocole "
                  "facultatif.",
    .npm_total = "À ce jour, le nombre de mécanismes nationaux de prévention "
                 "en activité dans le monde s'élève à {0}.",
    .plan_head = "\n## VI. Plan de travail pour l'année suivante\n\n"
                 "### B. Visites\n\n",
    .plan_again = "Le Sous-Comité a annoncé qu'il effectuerait{0} les "
                  "visites reportées dans les États suivants : {1}.",
    .plan_fresh = "Le Sous-Comité a annoncé de nouvelles visites{0} dans les "
                  "États suivants : {1}.",
    .plan_year = " en {0}",
    .plan_none = "Le Sous-Comité n'avait annoncé aucune autre visite.",
};

static const report_lang_t s_es = {
    .code = "es",
    .style = DATEFMT_ES,
    .group = ".",
    .decimal = ",",
    .sep = ", ",
    .and_ = " y ",
    .and_i = " e ",
    .as_at = "Al {0}",
    .as_at_mid = "al {0}",
    .in_year = "En {0}",
    .in_year_mid = "en {0}",
    .in_period = "Durante el período que abarca el informe",
    .in_period_mid = "durante el período que abarca el informe",
    .by_end = "A finales de {0}",
    .more_than = "más de {0}",
    .about = "unos {0}",
    .range = "del {0} al {1}",
    .not_recorded = "{0} ({1}): información no registrada.",
    .what = {"Número de períodos de sesiones celebrados",
             "Monto de las subvenciones concedidas por el Fondo Especial",
             "Monto de las contribuciones recibidas por el Fondo Especial",
             "Número de visitas realizadas",
             "Notificaciones del establecimiento de mecanismos nacionales "
             "de prevención",
             "Lista de Estados partes que no cumplen el artículo 17 del "
             "Protocolo Facultativo",
             "Número de mecanismos nacionales de prevención designados",
             "Visitas anunciadas", "Número de Estados partes",
             "Número de signatarios", "Estados que pasaron a ser partes"},
    .usd = "{0} dólares de los Estados Unidos",
    .eur = "{0} euros",
    .money = "{0} {1}",
    .title = "# Informe anual del Subcomité para la Prevención de la Tortura "
             "y Otros Tratos o Penas Crueles, Inhumanos o Degradantes\n\n",
    .title_n = "# {0}º informe anual del Subcomité para la Prevención de la "
               "Tortura y Otros Tratos o Penas Crueles, Inhumanos o "
               "Degradantes\n\n",
    .intro = "## I. Introducción\n\nEl presente informe abarca las "
             "actividades realizadas por el Subcomité {1}.\n\n## II. "
             "Cuestiones de organización y otros asuntos\n\n### A. "
             "Participación en el sistema del Protocolo Facultativo\n\n",
    .regions = {"Estados de África", "Estados de Asia y el Pacífico",
                "Estados de Europa Oriental",
                "Estados de América Latina y el Caribe",
                "Estados de Europa Occidental y otros Estados"},
    .region_col = "Grupo regional",
    .parties_col = "Estados partes",
    .signatories_col = "Signatarios",
    .instruments = {"adhesión", "ratificación", "sucesión"},
    .parties = "{0}, el número de Estados partes en el Protocolo Facultativo "
               "ascendía a {1} y el de signatarios, a {2}.",
    .parties_only = "{0}, el número de Estados partes en el Protocolo "
                    "Facultativo ascendía a {1}.",
    .signatories_only = "{0}, el número de signatarios del Protocolo "
                        "Facultativo ascendía a {1}.",
    .joined = "{0}, los siguientes Estados pasaron a ser partes en el "
              "Protocolo Facultativo: {1}.",
    .joined_none = "{0}, ningún Estado pasó a ser parte en el Protocolo "
                   "Facultativo.",
    .joined_item = "{0} ({1}, {2})",
    .parties_regions = "La distribución regional de los Estados partes es la "
                       "siguiente:",
    .signatories_regions = "La distribución regional de los signatarios es "
                           "la siguiente:",
    .signatories_note = "{0}, los signatarios eran los siguientes: {1}.",
    .sessions_head = "### B. Períodos de sesiones\n\n",
    .sessions = "{0}, el Subcomité celebró los siguientes períodos de "
                "sesiones{1}: {2}.",
    .sessions_none = "{0}, el Subcomité no celebró ningún período de "
                     "sesiones.",
    .session = "{0}º período de sesiones ({1})",
    .geneva = " en Ginebra",
    .new_york = " en Nueva York",
    .fund_head = "### D. Fondo Especial establecido en virtud del Protocolo "
                 "Facultativo\n\n",
    .grants = "{0}, se concedieron subvenciones por un total de {1} para "
              "apoyar proyectos de prevención de la tortura (número de "
              "proyectos: {2}; número de Estados: {3}).",
    .grants_named = " Entre ellos figuran proyectos en los siguientes "
                    "Estados: {0}.",
    .grants_none = "{0}, no se concedió ninguna subvención.",
    .donors_first = "El Subcomité agradece profundamente a los siguientes "
                    "Estados su primera contribución al Fondo Especial: {0}.",
    .donors_other = " También agradece a los siguientes Estados su apoyo "
                    "constante: {0}.",
    .donors = "El Subcomité agradece profundamente a los siguientes Estados "
              "sus contribuciones al Fondo Especial: {0}.",
    .donor = "{0} ({1})",
    .contributions = "{0}, el Fondo Especial recibió contribuciones "
                     "voluntarias por un total de {1}.",
    .contributions_none = "{0}, el Fondo Especial no recibió ninguna "
                          "contribución.",
    .visits_head = "## III. Visitas\n\n### A. Visitas realizadas durante el "
                   "período que abarca el informe\n\n",
    .postponed = "Se aplazaron las visitas previstas a los siguientes "
                 "Estados: {0}. ",
    .visits = "De conformidad con el mandato que le confieren los artículos "
              "11 y 13 del Protocolo Facultativo, el Subcomité realizó "
              "visitas {0} a los siguientes Estados (número de visitas: "
              "{1}): {2}.",
    .visits_none = "{0}, el Subcomité no realizó ninguna visita.",
    .visit = "{0} ({1})",
    .interviews = "Durante esas visitas, el Subcomité realizó entrevistas "
                  "individuales y colectivas (número de entrevistas: {0}). ",
    .interviews_persons = "Durante esas visitas, el Subcomité realizó "
                          "entrevistas individuales y colectivas (número de "
                          "entrevistas: {0}; número de personas "
                          "entrevistadas: {1}). ",
    .interviews_unknown = "No se han registrado las entrevistas realizadas "
                          "ni los lugares visitados durante esas visitas.",
    .places = "El Subcomité visitó lugares de privación de libertad (número "
              "total: {0}).",
    .places_all = "El Subcomité visitó lugares de privación de libertad "
                  "(número total: {0}): {1}.",
    .place = "{0} ({1})",
    .place_kinds = {"prisiones", "centros de detención de mujeres",
                    "comisarías de policía", "centros de detención de menores",
                    "instituciones psiquiátricas y de atención de la salud",
                    "centros de detención de migrantes indocumentados",
                    "centros de rehabilitación de drogodependientes",
                    "celdas de detención de los tribunales",
                    "centros de atención social para personas de edad",
                    "otros lugares"},
    .reports_head = "### B. Informes sobre las visitas\n\n",
    .reports_unknown = "No se ha registrado el número de informes sobre las "
                       "visitas transmitidos a los Estados partes {0}.",
    .reports_sent = "{0}, el número de informes sobre las visitas "
                    "transmitidos por el Subcomité a los Estados partes "
                    "ascendía a {1}",
    .reports_stated = "{0}, el número de informes sobre las visitas "
                      "transmitidos por el Subcomité ascendió a {1}; esos "
                      "informes no se enumeran en el presente informe.",
    .reports_sent_part = "; no se han registrado todos los informes "
                         "transmitidos durante el período que abarca el "
                         "informe",
    .reports_sent_now = ", entre ellos los transmitidos durante el período "
                        "que abarca el informe a los siguientes Estados: {0}",
    .reports_published = "De esos informes, el número de informes publicados "
                         "a solicitud de los Estados partes interesados "
                         "ascendía {0} a {1}",
    .reports_published_now = ", entre ellos los informes sobre los "
                             "siguientes Estados, publicados durante el "
                             "período que abarca el informe: {0}",
    .replies_head = "### C. Respuestas a los informes sobre las visitas y "
                    "diálogo de seguimiento\n\n",
    .replies = "Durante el período que abarca el informe, el Subcomité "
               "recibió respuestas de los siguientes Estados: {0}.",
    .replies_none = "Durante el período que abarca el informe, el Subcomité "
                    "no recibió ninguna respuesta.",
    .replies_unknown = "No se han registrado las respuestas recibidas "
                       "durante el período que abarca el informe.",
    .replies_public = " A solicitud de los Estados partes interesados, se "
                      "hicieron públicas las respuestas de los siguientes "
                      "Estados: {0}.",
    .dialogues = "{0}, se celebraron diálogos de seguimiento con los "
                 "siguientes Estados: {1}.",
    .dialogues_none = "{0}, no se celebró ningún diálogo de seguimiento con "
                      "un Estado parte.",
    .dialogues_unknown = "No se han registrado los diálogos de seguimiento "
                         "celebrados con los Estados partes {0}.",
    .npm_dialogues = "{0}, el Subcomité había celebrado diálogos de "
                     "seguimiento con los mecanismos nacionales de "
                     "prevención de los siguientes Estados: {1}.",
    .npm_head = "## IV. Mecanismos nacionales de prevención\n\n### A. "
                "Obligaciones de los Estados partes en relación con los "
                "mecanismos nacionales de prevención\n\n",
    .designated = "{0}, el Subcomité recibió, con agradecimiento, "
                  "notificaciones del establecimiento de mecanismos "
                  "nacionales de prevención de los siguientes Estados: {1}.",
    .designated_none = "{0}, el Subcomité no recibió ninguna notificación "
                       "del establecimiento de un mecanismo nacional de "
                       "prevención.",
    .art17 = "{0}, los siguientes Estados partes figuraban en la lista de "
             "Estados partes que no cumplen el artículo 17 del Protocolo "
             "Facultativo (número de Estados: {1}): {2}.",
    .art17_none = "{0}, ningún Estado parte figuraba en la lista de Estados "
                  "partes que no cumplen el artículo 17 del Protocolo "
                  "Facultativo.",
    .npm_total = "Hasta la fecha, el número de mecanismos nacionales de "
                 "prevención en funcionamiento en todo el mundo asciende a "
                 "{0}.",
    .plan_head = "\n## VI. Plan de trabajo para el año siguiente\n\n"
                 "### B. Visitas\n\n",
    .plan_again = "El Subcomité anunció que realizaría{0} las visitas "
                  "aplazadas a los siguientes Estados: {1}.",
    .plan_fresh = "El Subcomité anunció nuevas visitas{0} a los siguientes "
                  "Estados: {1}.",
    .plan_year = " en {0}",
    .plan_none = "El Subcomité no había anunciado ninguna otra visita.",
};

static const report_lang_t s_ru = {
    .code = "ru",
    .style = DATEFMT_RU,
    .group = NBSP,
    .decimal = ",",
    .sep = ", ",
    .and_ = " и ",
    .as_at = "По состоянию на {0}",
    .as_at_mid = "по состоянию на {0}",
    .in_year = "В {0} году",
    .in_year_mid = "в {0} году",
    .in_period = "В отчетный период",
    .in_period_mid = "в отчетный период",
    .by_end = "К концу {0} года",
    .more_than = "более {0}",
    .about = "около {0}",
    .range = "с {0} по {1}",
    .not_recorded = "{0} ({1}): сведения не зарегистрированы.",
    .what = {"Число проведенных сессий",
             "Сумма субсидий, предоставленных Специальным фондом",
             "Сумма взносов, полученных Специальным фондом",
             "Число проведенных посещений",
             "Уведомления о создании национальных превентивных механизмов",
             "Список государств-участников, не выполняющих статью 17 "
             "Факультативного протокола",
             "Число назначенных национальных превентивных механизмов",
             "Объявленные посещения", "Число государств-участников",
             "Число подписавших государств",
             "Государства, ставшие участниками"},
    .usd = "{0} долл. США",
    .eur = "{0} евро",
    .money = "{0} {1}",
    .title = "# Ежегодный доклад Подкомитета по предупреждению пыток и "
             "других жестоких, бесчеловечных или унижающих достоинство видов "
             "обращения и наказания\n\n",
    .title_n = "# {0}-й ежегодный доклад Подкомитета по предупреждению пыток "
               "и других жестоких, бесчеловечных или унижающих достоинство "
               "видов обращения и наказания\n\n",
    .intro = "## I. Введение\n\nНастоящий доклад охватывает деятельность "
             "Подкомитета {1}.\n\n## II. Организационные и другие вопросы"
             "\n\n### A. Участие в системе Факультативного протокола\n\n",
    .regions = {"Группа африканских государств",
                "Группа азиатско-тихоокеанских государств",
                "Группа восточноевропейских государств",
                "Группа государств Латинской Америки и Карибского бассейна",
                "Группа западноевропейских и других государств"},
    .region_col = "Региональная группа",
    .parties_col = "Государства-участники",
    .signatories_col = "Подписавшие государства",
    .instruments = {"присоединение", "ратификация", "правопреемство"},
    .parties = "{0} число государств — участников Факультативного протокола "
               "составляло {1}, а число подписавших его государств — {2}.",
    .parties_only = "{0} число государств — участников Факультативного "
                    "протокола составляло {1}.",
    .signatories_only = "{0} число государств, подписавших Факультативный "
                        "протокол, составляло {1}.",
    .joined = "{0} участниками Факультативного протокола стали следующие "
              "государства: {1}.",
    .joined_none = "{0} ни одно государство не стало участником "
                   "Факультативного протокола.",
    .joined_item = "{0} ({1}, {2})",
    .parties_regions = "Распределение государств-участников по регионам "
                       "выглядит следующим образом:",
    .signatories_regions = "Распределение подписавших государств по "
                           "регионам выглядит следующим образом:",
    .signatories_note = "{0} Протокол подписали следующие государства: {1}.",
    .sessions_head = "### B. Сессии\n\n",
    .sessions = "{0} Подкомитет провел следующие сессии{1}: {2}.",
    .sessions_none = "{0} Подкомитет не провел ни одной сессии.",
    .session = "{0}-я сессия ({1})",
    .geneva = " в Женеве",
    .new_york = " в Нью-Йорке",
    .fund_head = "### D. Специальный фонд, учрежденный в соответствии с "
                 "Факультативным протоколом\n\n",
    .grants = "{0} были предоставлены субсидии на общую сумму {1} для "
              "поддержки проектов по предупреждению пыток (число проектов: "
              "{2}; число государств: {3}).",
    .grants_named = " В их числе — проекты в следующих государствах: {0}.",
    .grants_none = "{0} субсидии не предоставлялись.",
    .donors_first = "Подкомитет выражает глубокую признательность следующим "
                    "государствам за их первый взнос в Специальный фонд: "
                    "{0}.",
    .donors_other = " Он также благодарит следующие государства за их "
                    "неизменную поддержку: {0}.",
    .donors = "Подкомитет выражает глубокую признательность следующим "
              "государствам за их взносы в Специальный фонд: {0}.",
    .donor = "{0} ({1})",
    .contributions = "{0} Специальный фонд получил добровольные взносы на "
                     "общую сумму {1}.",
    .contributions_none = "{0} Специальный фонд не получал взносов.",
    .visits_head = "## III. Посещения\n\n### A. Посещения, проведенные в "
                   "отчетный период\n\n",
    .postponed = "Были отложены запланированные посещения следующих "
                 "государств: {0}. ",
    .visits = "В соответствии со своим мандатом, предусмотренным статьями 11 "
              "и 13 Факультативного протокола, Подкомитет {0} провел "
              "посещения следующих государств (число посещений: {1}): {2}.",
    .visits_none = "{0} Подкомитет не проводил посещений.",
    .visit = "{0} ({1})",
    .interviews = "В ходе этих посещений Подкомитет провел индивидуальные и "
                  "групповые беседы (число бесед: {0}). ",
    .interviews_persons = "В ходе этих посещений Подкомитет провел "
                          "индивидуальные и групповые беседы (число бесед: "
                          "{0}; число опрошенных лиц: {1}). ",
    .interviews_unknown = "Сведения о проведенных беседах и посещенных "
                          "местах в ходе этих посещений не зарегистрированы.",
    .places = "Подкомитет посетил места лишения свободы (общее число: {0}).",
    .places_all = "Подкомитет посетил места лишения свободы (общее число: "
                  "{0}): {1}.",
    .place = "{0} ({1})",
    .place_kinds = {"тюрьмы", "места содержания под стражей женщин",
                    "полицейские участки",
                    "центры содержания под стражей несовершеннолетних",
                    "психиатрические и медицинские учреждения",
                    "центры содержания под стражей мигрантов без документов",
                    "реабилитационные центры для наркозависимых",
                    "камеры временного содержания при судах",
                    "учреждения социального ухода за пожилыми людьми",
                    "другие места"},
    .reports_head = "### B. Доклады о посещениях\n\n",
    .reports_unknown = "Число докладов о посещениях, направленных "
                       "государствам-участникам {0}, не зарегистрировано.",
    .reports_sent = "{0} число докладов о посещениях, направленных "
                    "Подкомитетом государствам-участникам, составляло {1}",
    .reports_stated = "{0} число докладов о посещениях, направленных "
                      "Подкомитетом, составило {1}; эти доклады в настоящем "
                      "докладе не перечисляются.",
    .reports_sent_part = "; сведения о докладах, направленных в отчетный "
                         "период, неполны",
    .reports_sent_now = ", включая доклады, направленные в отчетный период "
                        "следующим государствам: {0}",
    .reports_published = "Число докладов, опубликованных {0} по просьбе "
                         "соответствующих государств-участников, составляло "
                         "{1}",
    .reports_published_now = ", включая доклады о следующих государствах, "
                             "опубликованные в отчетный период: {0}",
    .replies_head = "### C. Ответы на доклады о посещениях и последующий "
                    "диалог\n\n",
    .replies = "В отчетный период Подкомитет получил ответы от следующих "
               "государств: {0}.",
    .replies_none = "В отчетный период Подкомитет не получил ответов.",
    .replies_unknown = "Сведения об ответах, полученных в отчетный период, "
                       "не зарегистрированы.",
    .replies_public = " По просьбе соответствующих государств-участников "
                      "были преданы гласности ответы следующих государств: "
                      "{0}.",
    .dialogues = "{0} состоялся последующий диалог со следующими "
                 "государствами: {1}.",
    .dialogues_none = "{0} последующий диалог с государствами-участниками не "
                      "проводился.",
    .dialogues_unknown = "Сведения о последующем диалоге с "
                         "государствами-участниками {0} не зарегистрированы.",
    .npm_dialogues = "{0} Подкомитет провел последующий диалог с "
                     "национальными превентивными механизмами следующих "
                     "государств: {1}.",
    .npm_head = "## IV. Национальные превентивные механизмы\n\n### A. "
                "Обязательства государств-участников в отношении "
                "национальных превентивных механизмов\n\n",
    .designated = "{0} Подкомитет с благодарностью получил уведомления о "
                  "создании национальных превентивных механизмов от "
                  "следующих государств: {1}.",
    .designated_none = "{0} Подкомитет не получал уведомлений о создании "
                       "национальных превентивных механизмов.",
    .art17 = "{0} в список государств-участников, не выполняющих статью 17 "
             "Факультативного протокола, входили следующие государства "
             "(число государств: {1}): {2}.",
    .art17_none = "{0} в списке государств-участников, не выполняющих "
                  "статью 17 Факультативного протокола, не было ни одного "
                  "государства.",
    .npm_total = "На сегодняшний день число действующих в мире национальных "
                 "превентивных механизмов составляет {0}.",
    .plan_head = "\n## VI. План работы на следующий год\n\n"
                 "### B. Посещения\n\n",
    .plan_again = "Подкомитет объявил, что{0} проведет отложенные посещения "
                  "следующих государств: {1}.",
    .plan_fresh = "Подкомитет объявил о новых посещениях{0} следующих "
                  "государств: {1}.",
    .plan_year = " в {0} году",
    .plan_none = "Подкомитет не объявлял о других посещениях.",
};

static const report_lang_t s_ar = {
    .code = "ar",
    .style = DATEFMT_AR,
    .group = ",",
    .decimal = ".",
    .sep = "، ",
    .and_ = " و",
    .as_at = "حتى {0}",
    .as_at_mid = "حتى {0}",
    .in_year = "في عام {0}",
    .in_year_mid = "في عام {0}",
    .in_period = "خلال الفترة المشمولة بالتقرير",
    .in_period_mid = "خلال الفترة المشمولة بالتقرير",
    .by_end = "بحلول نهاية عام {0}",
    .more_than = "أكثر من {0}",
    .about = "نحو {0}",
    .range = "من {0} إلى {1}",
    .not_recorded = "{0} ({1}): معلومات غير مسجلة.",
    .what = {"عدد الدورات المعقودة", "مبلغ المنح المقدمة من الصندوق الخاص",
             "مبلغ التبرعات التي تلقاها الصندوق الخاص", "عدد الزيارات المنجزة",
             "الإخطارات بإنشاء آليات وقائية وطنية",
             "قائمة الدول الأطراف غير الممتثلة للمادة 17 من البروتوكول "
             "الاختياري",
             "عدد الآليات الوقائية الوطنية المعينة", "الزيارات المعلن عنها",
             "عدد الدول الأطراف", "عدد الدول الموقعة",
             "الدول التي أصبحت أطرافاً"},
    .usd = "{0} دولار من دولارات الولايات المتحدة",
    .eur = "{0} يورو",
    .money = "{0} {1}",
    .title = "# التقرير السنوي للجنة الفرعية لمنع التعذيب وغيره من ضروب "
             "المعاملة أو العقوبة القاسية أو اللاإنسانية أو المهينة\n\n",
    .title_n = "# التقرير السنوي رقم {0} للجنة الفرعية لمنع التعذيب وغيره من "
               "ضروب المعاملة أو العقوبة القاسية أو اللاإنسانية أو "
               "المهينة\n\n",
    .intro = "## أولاً - مقدمة\n\nيغطي هذا التقرير أنشطة اللجنة الفرعية "
             "{1}.\n\n## ثانياً - المسائل التنظيمية ومسائل أخرى\n\n"
             "### ألف - المشاركة في نظام البروتوكول الاختياري\n\n",
    .regions = {"الدول الأفريقية", "دول آسيا والمحيط الهادئ",
                "دول أوروبا الشرقية",
                "دول أمريكا اللاتينية ومنطقة البحر الكاريبي",
                "دول أوروبا الغربية ودول أخرى"},
    .region_col = "المجموعة الإقليمية",
    .parties_col = "الدول الأطراف",
    .signatories_col = "الدول الموقعة",
    .instruments = {"انضمام", "تصديق", "خلافة"},
    .parties = "{0}، بلغ عدد الدول الأطراف في البروتوكول الاختياري {1}، وعدد "
               "الدول الموقعة عليه {2}.",
    .parties_only = "{0}، بلغ عدد الدول الأطراف في البروتوكول الاختياري {1}.",
    .signatories_only = "{0}، بلغ عدد الدول الموقعة على البروتوكول "
                        "الاختياري {1}.",
    .joined = "{0}، أصبحت الدول التالية أطرافاً في البروتوكول الاختياري: "
              "{1}.",
    .joined_none = "{0}، لم تصبح أي دولة طرفاً في البروتوكول الاختياري.",
    .joined_item = "{0} ({1}، {2})",
    .parties_regions = "ويرد فيما يلي توزيع الدول الأطراف حسب المجموعات "
                       "الإقليمية:",
    .signatories_regions = "ويرد فيما يلي توزيع الدول الموقعة حسب "
                           "المجموعات الإقليمية:",
    .signatories_note = "{0}، كانت الدول الموقعة هي التالية: {1}.",
    .sessions_head = "### باء - الدورات\n\n",
    .sessions = "{0}، عقدت اللجنة الفرعية الدورات التالية{1}: {2}.",
    .sessions_none = "{0}، لم تعقد اللجنة الفرعية أي دورة.",
    .session = "الدورة {0} ({1})",
    .geneva = " في جنيف",
    .new_york = " في نيويورك",
    .fund_head = "### دال - الصندوق الخاص المنشأ بموجب البروتوكول "
                 "الاختياري\n\n",
    .grants = "{0}، قُدمت منح بلغ مجموعها {1} لدعم مشاريع لمنع التعذيب (عدد "
              "المشاريع: {2}؛ عدد الدول: {3}).",
    .grants_named = " ومن بينها مشاريع في الدول التالية: {0}.",
    .grants_none = "{0}، لم تُقدم أي منح.",
    .donors_first = "وتعرب اللجنة الفرعية عن امتنانها العميق للدول التالية "
                    "على مساهمتها الأولى في الصندوق الخاص: {0}.",
    .donors_other = " كما تعرب عن امتنانها للدول التالية على دعمها "
                    "المتواصل: {0}.",
    .donors = "وتعرب اللجنة الفرعية عن امتنانها العميق للدول التالية على "
              "مساهماتها في الصندوق الخاص: {0}.",
    .donor = "{0} ({1})",
    .contributions = "{0}، تلقى الصندوق الخاص تبرعات بلغ مجموعها {1}.",
    .contributions_none = "{0}، لم يتلق الصندوق الخاص أي تبرعات.",
    .visits_head = "## ثالثاً - الزيارات\n\n### ألف - الزيارات التي أُجريت "
                   "خلال الفترة المشمولة بالتقرير\n\n",
    .postponed = "وأُجلت الزيارات المقررة إلى الدول التالية: {0}. ",
    .visits = "ووفقاً للولاية المنوطة باللجنة الفرعية بموجب المادتين 11 و13 "
              "من البروتوكول الاختياري، أجرت اللجنة الفرعية {0} زيارات إلى "
              "الدول التالية (عدد الزيارات: {1}): {2}.",
    .visits_none = "{0}، لم تُجرِ اللجنة الفرعية أي زيارة.",
    .visit = "{0} ({1})",
    .interviews = "وخلال هذه الزيارات، أجرت اللجنة الفرعية مقابلات فردية "
                  "وجماعية (عدد المقابلات: {0}). ",
    .interviews_persons = "وخلال هذه الزيارات، أجرت اللجنة الفرعية مقابلات "
                          "فردية وجماعية (عدد المقابلات: {0}؛ عدد الأشخاص "
                          "الذين أُجريت معهم مقابلات: {1}). ",
    .interviews_unknown = "لم تُسجل المقابلات التي أُجريت والأماكن التي "
                          "زِيرت خلال هذه الزيارات.",
    .places = "وزارت اللجنة الفرعية أماكن الحرمان من الحرية (العدد "
              "الإجمالي: {0}).",
    .places_all = "وزارت اللجنة الفرعية أماكن الحرمان من الحرية (العدد "
                  "الإجمالي: {0}): {1}.",
    .place = "{0} ({1})",
    .place_kinds = {"السجون", "مرافق احتجاز النساء", "مراكز الشرطة",
                    "مراكز احتجاز الأطفال",
                    "مؤسسات الطب النفسي والرعاية الصحية",
                    "مراكز احتجاز المهاجرين غير الموثقين",
                    "مراكز إعادة التأهيل من الإدمان على المخدرات",
                    "زنزانات الاحتجاز في المحاكم",
                    "مرافق الرعاية الاجتماعية لكبار السن", "أماكن أخرى"},
    .reports_head = "### باء - تقارير الزيارات\n\n",
    .reports_unknown = "لم يُسجل عدد تقارير الزيارات المحالة إلى الدول "
                       "الأطراف {0}.",
    .reports_sent = "{0}، بلغ عدد تقارير الزيارات التي أحالتها اللجنة "
                    "الفرعية إلى الدول الأطراف {1}",
    .reports_stated = "{0}، بلغ عدد تقارير الزيارات التي أحالتها اللجنة "
                      "الفرعية {1}؛ ولا ترد هذه التقارير مفردةً في هذا "
                      "التقرير.",
    .reports_sent_part = "؛ ولم تُسجل جميع التقارير المحالة خلال الفترة "
                         "المشمولة بالتقرير",
    .reports_sent_now = "، منها التقارير المحالة خلال الفترة المشمولة "
                        "بالتقرير إلى الدول التالية: {0}",
    .reports_published = "ومن بين هذه التقارير، بلغ عدد التقارير التي نُشرت "
                         "بناءً على طلب الدول الأطراف المعنية {1} {0}",
    .reports_published_now = "، منها التقارير المتعلقة بالدول التالية التي "
                             "نُشرت خلال الفترة المشمولة بالتقرير: {0}",
    .replies_head = "### جيم - الردود على تقارير الزيارات وحوار "
                    "المتابعة\n\n",
    .replies = "وخلال الفترة المشمولة بالتقرير، تلقت اللجنة الفرعية ردوداً "
               "من الدول التالية: {0}.",
    .replies_none = "ولم تتلق اللجنة الفرعية أي ردود خلال الفترة المشمولة "
                    "بالتقرير.",
    .replies_unknown = "لم تُسجل الردود الواردة خلال الفترة المشمولة "
                       "بالتقرير.",
    .replies_public = " وبناءً على طلب الدول الأطراف المعنية، نُشرت ردود "
                      "الدول التالية: {0}.",
    .dialogues = "{0}، أُجري حوار متابعة مع الدول التالية: {1}.",
    .dialogues_none = "{0}، لم يُجرَ أي حوار متابعة مع دولة طرف.",
    .dialogues_unknown = "لم يُسجل حوار المتابعة مع الدول الأطراف {0}.",
    .npm_dialogues = "{0}، كانت اللجنة الفرعية قد أجرت حوار متابعة مع "
                     "الآليات الوقائية الوطنية للدول التالية: {1}.",
    .npm_head = "## رابعاً - الآليات الوقائية الوطنية\n\n### ألف - التزامات "
                "الدول الأطراف فيما يتعلق بالآليات الوقائية الوطنية\n\n",
    .designated = "{0}، تلقت اللجنة الفرعية، مع الشكر، إخطارات بإنشاء آليات "
                  "وقائية وطنية من الدول التالية: {1}.",
    .designated_none = "{0}، لم تتلق اللجنة الفرعية أي إخطار بإنشاء آلية "
                       "وقائية وطنية.",
    .art17 = "{0}، كانت الدول الأطراف التالية مدرجة في قائمة الدول الأطراف "
             "غير الممتثلة للمادة 17 من البروتوكول الاختياري (عدد الدول: "
             "{1}): {2}.",
    .art17_none = "{0}، لم تكن أي دولة طرف مدرجة في قائمة الدول الأطراف غير "
                  "الممتثلة للمادة 17 من البروتوكول الاختياري.",
    .npm_total = "وحتى الآن، يبلغ عدد الآليات الوقائية الوطنية العاملة في "
                 "جميع أنحاء العالم {0}.",
    .plan_head = "\n## سادساً - خطة العمل للسنة التالية\n\n"
                 "### باء - الزيارات\n\n",
    .plan_again = "وأعلنت اللجنة الفرعية أنها ستجري{0} الزيارات المؤجلة إلى "
                  "الدول التالية: {1}.",
    .plan_fresh = "وأعلنت اللجنة الفرعية عن زيارات جديدة{0} إلى الدول "
                  "التالية: {1}.",
    .plan_year = " في عام {0}",
    .plan_none = "ولم تعلن اللجنة الفرعية عن أي زيارات أخرى.",
};

const report_lang_t *report_lang(const char *code)
{
    static const report_lang_t *const langs[] = {&s_fr, &s_es, &s_ru, &s_ar};
    for (size_t i = 0; code && i < sizeof langs / sizeof *langs; i++)
        if (strcmp(langs[i]->code, code) == 0)
            return langs[i];
    return NULL;
}
