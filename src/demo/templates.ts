/**
 * The demo's interaction templates and their letter and e-mail texts in English, German and French. The
 * texts use the merge fields {{contact.name}}, {{contact.companyName}}, {{salesperson.name}} and {{date}}.
 */

export interface TemplateDef {
  code: string
  group: string
  description: string
  unitCost: number
  unitDuration: number
  informationFlow: '' | 'Outbound' | 'Inbound'
  initiatedBy: '' | 'Us' | 'Them'
  correspondenceType: '' | 'Hard Copy' | 'Email'
  campaignNo: string
  campaignTarget: boolean
  languages: Record<'ENU' | 'DEU' | 'FRA', { description: string; subject: string; body: string }>
}

const sign = (closing: string) => `${closing}\n{{salesperson.name}}\nCronus Marketing`

export const TEMPLATES: TemplateDef[] = [
  {
    code: 'ABSTRACT',
    group: 'LETTER',
    description: 'Letter',
    unitCost: 1.2,
    unitDuration: 5,
    informationFlow: 'Outbound',
    initiatedBy: 'Us',
    correspondenceType: 'Hard Copy',
    campaignNo: '',
    campaignTarget: false,
    languages: {
      ENU: {
        description: 'Letter',
        subject: 'Information from Cronus Marketing',
        body: `{{date}}

Dear {{contact.name}},

Thank you for the interest {{contact.companyName}} has shown in our products and services. With this letter we would like to give you an overview of what we can offer your company this year. Our range of office furniture combines durable materials with modern design at fair prices. I would be glad to visit you and discuss your requirements in person. Please do not hesitate to contact me if you have any questions.

${sign('Kind regards,')}`,
      },
      DEU: {
        description: 'Brief',
        subject: 'Informationen von Cronus Marketing',
        body: `{{date}}

Guten Tag {{contact.name}},

vielen Dank für das Interesse, das {{contact.companyName}} an unseren Produkten und Dienstleistungen gezeigt hat. Mit diesem Schreiben möchten wir Ihnen einen Überblick darüber geben, was wir Ihrem Unternehmen in diesem Jahr anbieten können. Unser Sortiment an Büromöbeln verbindet langlebige Materialien mit modernem Design zu fairen Preisen. Gerne besuche ich Sie und bespreche Ihre Anforderungen persönlich. Bei Fragen können Sie sich jederzeit an mich wenden.

${sign('Mit freundlichen Grüßen')}`,
      },
      FRA: {
        description: 'Lettre',
        subject: 'Informations de Cronus Marketing',
        body: `{{date}}

Bonjour {{contact.name}},

Nous vous remercions de l'intérêt que {{contact.companyName}} porte à nos produits et services. Par ce courrier, nous souhaitons vous présenter ce que nous pouvons proposer à votre entreprise cette année. Notre gamme de mobilier de bureau allie des matériaux durables à un design moderne, à des prix justes. Je me ferai un plaisir de vous rendre visite afin de discuter de vos besoins. N'hésitez pas à me contacter si vous avez des questions.

${sign('Veuillez agréer nos salutations distinguées.')}`,
      },
    },
  },
  {
    code: 'BUS',
    group: 'EMAIL',
    description: 'Business letter',
    unitCost: 0.1,
    unitDuration: 5,
    informationFlow: 'Outbound',
    initiatedBy: 'Us',
    correspondenceType: 'Email',
    campaignNo: '',
    campaignTarget: false,
    languages: {
      ENU: {
        description: 'Business letter',
        subject: 'Your partnership with Cronus Marketing',
        body: `Dear {{contact.name}},

Thank you for the pleasant cooperation between {{contact.companyName}} and Cronus Marketing. I would like to keep you up to date on our latest offers and services. Since {{date}} our new catalogue has been available, and as a valued business partner you receive special conditions on all orders placed this quarter. Simply reply to this e-mail and I will send you a personal quote.

${sign('Best regards,')}`,
      },
      DEU: {
        description: 'Geschäftsbrief',
        subject: 'Ihre Partnerschaft mit Cronus Marketing',
        body: `Guten Tag {{contact.name}},

vielen Dank für die angenehme Zusammenarbeit zwischen {{contact.companyName}} und Cronus Marketing. Gerne halte ich Sie über unsere aktuellen Angebote und Leistungen auf dem Laufenden. Seit dem {{date}} ist unser neuer Katalog erhältlich, und als geschätzter Geschäftspartner erhalten Sie auf alle Bestellungen in diesem Quartal Sonderkonditionen. Antworten Sie einfach auf diese E-Mail, und ich sende Ihnen ein persönliches Angebot.

${sign('Viele Grüße')}`,
      },
      FRA: {
        description: 'Lettre commerciale',
        subject: 'Votre partenariat avec Cronus Marketing',
        body: `Bonjour {{contact.name}},

Merci pour l'agréable collaboration entre {{contact.companyName}} et Cronus Marketing. Je souhaite vous tenir informé(e) de nos dernières offres et prestations. Depuis le {{date}}, notre nouveau catalogue est disponible et, en tant que partenaire privilégié, vous bénéficiez de conditions spéciales sur toutes les commandes passées ce trimestre. Il vous suffit de répondre à cet e-mail pour recevoir une offre personnalisée.

${sign('Cordialement,')}`,
      },
    },
  },
  {
    code: 'LAUNCH',
    group: 'EMAIL',
    description: 'Product launch invitation',
    unitCost: 0.1,
    unitDuration: 2,
    informationFlow: 'Outbound',
    initiatedBy: 'Us',
    correspondenceType: 'Email',
    campaignNo: 'CP0001',
    campaignTarget: true,
    languages: {
      ENU: {
        description: 'Product launch invitation',
        subject: 'Discover our spring collection',
        body: `Dear {{contact.name}},

Spring is here, and so is our new collection of office furniture. On {{date}} we are presenting the new ATHENS and LONDON series, designed for flexible and healthy work. We would be delighted to welcome you and your colleagues from {{contact.companyName}} to our showroom. As a launch offer, you receive a 10 % discount on all orders from the new collection until the end of the month. Please reply to this e-mail to reserve your personal appointment.

${sign('Best regards,')}`,
      },
      DEU: {
        description: 'Einladung zur Produkteinführung',
        subject: 'Entdecken Sie unsere Frühjahrskollektion',
        body: `Guten Tag {{contact.name}},

der Frühling ist da – und mit ihm unsere neue Büromöbelkollektion. Am {{date}} stellen wir die neuen Serien ATHENS und LONDON vor, entwickelt für flexibles und gesundes Arbeiten. Wir würden uns freuen, Sie und Ihre Kolleginnen und Kollegen von {{contact.companyName}} in unserem Showroom begrüßen zu dürfen. Als Einführungsangebot erhalten Sie bis zum Monatsende 10 % Rabatt auf alle Bestellungen aus der neuen Kollektion. Antworten Sie einfach auf diese E-Mail, um Ihren persönlichen Termin zu reservieren.

${sign('Viele Grüße')}`,
      },
      FRA: {
        description: 'Invitation au lancement',
        subject: 'Découvrez notre collection de printemps',
        body: `Bonjour {{contact.name}},

Le printemps est là, et avec lui notre nouvelle collection de mobilier de bureau. Le {{date}}, nous présentons les nouvelles gammes ATHENS et LONDON, conçues pour un travail flexible et sain. Nous serions ravis de vous accueillir, vous et vos collègues de {{contact.companyName}}, dans notre showroom. En guise d'offre de lancement, vous bénéficiez d'une remise de 10 % sur toutes les commandes de la nouvelle collection jusqu'à la fin du mois. Répondez simplement à cet e-mail pour réserver votre rendez-vous personnel.

${sign('Cordialement,')}`,
      },
    },
  },
  {
    code: 'GOLF',
    group: 'EVENT',
    description: 'Golf event invitation',
    unitCost: 2.5,
    unitDuration: 5,
    informationFlow: 'Outbound',
    initiatedBy: 'Us',
    correspondenceType: 'Email',
    campaignNo: 'CP0002',
    campaignTarget: true,
    languages: {
      ENU: {
        description: 'Golf event invitation',
        subject: 'Invitation to the Cronus Customer Golf Day',
        body: `Dear {{contact.name}},

It is our pleasure to invite you to the Cronus Customer Golf Day. The event takes place on {{date}} at the Lakeside Golf Club and starts at 10:00 with a short introduction for beginners. After the tournament we look forward to a relaxed dinner with you and our other guests. As a valued contact at {{contact.companyName}}, you are welcome to bring a colleague. Please let me know by reply whether you can attend.

${sign('Kind regards,')}`,
      },
      DEU: {
        description: 'Einladung zum Golfturnier',
        subject: 'Einladung zum Cronus-Golftag für Kunden',
        body: `Guten Tag {{contact.name}},

wir freuen uns, Sie zum Cronus-Golftag für Kunden einzuladen. Die Veranstaltung findet am {{date}} im Lakeside Golf Club statt und beginnt um 10:00 Uhr mit einer kurzen Einführung für Anfänger. Nach dem Turnier freuen wir uns auf ein entspanntes Abendessen mit Ihnen und unseren weiteren Gästen. Als geschätzter Kontakt bei {{contact.companyName}} sind Sie herzlich eingeladen, eine Kollegin oder einen Kollegen mitzubringen. Bitte teilen Sie mir per Antwort mit, ob Sie teilnehmen können.

${sign('Mit freundlichen Grüßen')}`,
      },
      FRA: {
        description: 'Invitation au tournoi de golf',
        subject: 'Invitation à la journée golf clients de Cronus',
        body: `Bonjour {{contact.name}},

Nous avons le plaisir de vous inviter à la journée golf clients de Cronus. L'événement aura lieu le {{date}} au Lakeside Golf Club et débutera à 10 h avec une courte initiation pour les débutants. Après le tournoi, nous serons heureux de partager un dîner convivial avec vous et nos autres invités. En tant que contact privilégié chez {{contact.companyName}}, vous pouvez venir accompagné(e) d'un ou d'une collègue. Merci de me faire savoir par retour si vous pourrez être présent(e).

${sign('Bien cordialement,')}`,
      },
    },
  },
  {
    code: 'NEWSLETTER',
    group: 'EMAIL',
    description: 'Newsletter',
    unitCost: 0.05,
    unitDuration: 1,
    informationFlow: 'Outbound',
    initiatedBy: 'Us',
    correspondenceType: 'Email',
    campaignNo: '',
    campaignTarget: false,
    languages: {
      ENU: {
        description: 'Newsletter',
        subject: 'Cronus Marketing newsletter',
        body: `Dear {{contact.name}},

Here is the latest news from Cronus Marketing as of {{date}}. This quarter we have extended our delivery service: orders placed before noon now ship the next working day. Our design team has also published new tips for setting up ergonomic workplaces, which you will find on our website. We hope this information is useful for you and your team at {{contact.companyName}}. If you no longer wish to receive this newsletter, simply reply with the word "unsubscribe".

${sign('Best regards,')}`,
      },
      DEU: {
        description: 'Newsletter',
        subject: 'Newsletter von Cronus Marketing',
        body: `Guten Tag {{contact.name}},

hier sind die aktuellen Neuigkeiten von Cronus Marketing, Stand {{date}}. In diesem Quartal haben wir unseren Lieferservice erweitert: Bestellungen, die bis 12 Uhr eingehen, werden jetzt am nächsten Werktag versandt. Unser Designteam hat außerdem neue Tipps zur Einrichtung ergonomischer Arbeitsplätze veröffentlicht, die Sie auf unserer Website finden. Wir hoffen, dass diese Informationen für Sie und Ihr Team bei {{contact.companyName}} nützlich sind. Wenn Sie diesen Newsletter nicht mehr erhalten möchten, antworten Sie einfach mit dem Wort „abmelden“.

${sign('Viele Grüße')}`,
      },
      FRA: {
        description: "Lettre d'information",
        subject: "Lettre d'information de Cronus Marketing",
        body: `Bonjour {{contact.name}},

Voici les dernières nouvelles de Cronus Marketing au {{date}}. Ce trimestre, nous avons élargi notre service de livraison : les commandes passées avant midi sont désormais expédiées le jour ouvré suivant. Notre équipe de design a également publié de nouveaux conseils pour aménager des postes de travail ergonomiques, que vous trouverez sur notre site web. Nous espérons que ces informations vous seront utiles, à vous et à votre équipe chez {{contact.companyName}}. Si vous ne souhaitez plus recevoir cette lettre d'information, répondez simplement avec le mot « désinscription ».

${sign('Cordialement,')}`,
      },
    },
  },
  {
    code: 'MEETING',
    group: 'MEETING',
    description: 'Meeting',
    unitCost: 25,
    unitDuration: 60,
    informationFlow: '',
    initiatedBy: 'Us',
    correspondenceType: '',
    campaignNo: '',
    campaignTarget: false,
    languages: {
      ENU: {
        description: 'Meeting',
        subject: 'Our meeting',
        body: `Dear {{contact.name}},

Thank you for taking the time to meet with me on {{date}}. I will bring our current catalogue and some samples so that we can discuss the needs of {{contact.companyName}} in detail. If anything comes up, please let me know and we will find a new date.

${sign('Kind regards,')}`,
      },
      DEU: {
        description: 'Besprechung',
        subject: 'Unser Termin',
        body: `Guten Tag {{contact.name}},

vielen Dank, dass Sie sich am {{date}} Zeit für ein Gespräch mit mir nehmen. Ich bringe unseren aktuellen Katalog und einige Muster mit, damit wir die Anforderungen von {{contact.companyName}} im Detail besprechen können. Sollte etwas dazwischenkommen, geben Sie mir bitte Bescheid, dann finden wir einen neuen Termin.

${sign('Mit freundlichen Grüßen')}`,
      },
      FRA: {
        description: 'Réunion',
        subject: 'Notre rendez-vous',
        body: `Bonjour {{contact.name}},

Merci de prendre le temps de me rencontrer le {{date}}. J'apporterai notre catalogue actuel ainsi que quelques échantillons afin que nous puissions examiner en détail les besoins de {{contact.companyName}}. En cas d'empêchement, n'hésitez pas à me prévenir et nous conviendrons d'une nouvelle date.

${sign('Cordialement,')}`,
      },
    },
  },
  {
    code: 'PHONE',
    group: 'PHONE',
    description: 'Outgoing phone call',
    unitCost: 1.5,
    unitDuration: 10,
    informationFlow: 'Outbound',
    initiatedBy: 'Us',
    correspondenceType: '',
    campaignNo: '',
    campaignTarget: false,
    languages: {
      ENU: { description: 'Outgoing phone call', subject: 'Phone call', body: '' },
      DEU: { description: 'Ausgehender Anruf', subject: 'Telefonat', body: '' },
      FRA: { description: 'Appel sortant', subject: 'Appel téléphonique', body: '' },
    },
  },
  {
    code: 'PHONEIN',
    group: 'PHONE',
    description: 'Incoming phone call',
    unitCost: 0,
    unitDuration: 10,
    informationFlow: 'Inbound',
    initiatedBy: 'Them',
    correspondenceType: '',
    campaignNo: '',
    campaignTarget: false,
    languages: {
      ENU: { description: 'Incoming phone call', subject: 'Phone call', body: '' },
      DEU: { description: 'Eingehender Anruf', subject: 'Telefonat', body: '' },
      FRA: { description: 'Appel entrant', subject: 'Appel téléphonique', body: '' },
    },
  },
]

export const templateByCode = (code: string): TemplateDef => {
  const t = TEMPLATES.find((x) => x.code === code)
  if (!t) throw new Error(`no demo template ${code}`)
  return t
}
