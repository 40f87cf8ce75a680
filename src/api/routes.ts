import type { FastifyInstance } from 'fastify'
import { registerCampaignActionRoutes } from '../campaigns/campaign-actions.js'
import { registerCampaignRoutes } from '../campaigns/campaigns.js'
import { registerContactRoutes } from '../contacts/contact-routes.js'
import { registerContactImportExportRoutes } from '../contacts/import-export/routes.js'
import { registerInteractionRoutes } from '../interactions/routes.js'
import { registerValueEntryRoutes } from '../sales/value-entries.js'
import { lineStatistics } from '../segments/engine/index.js'
import { registerSegmentEngineRoutes } from '../segments/engine/routes.js'
import { registerSegmentExportRoutes } from '../segments/export/routes.js'
import { registerSegmentHeaderRoutes } from '../segments/header/routes.js'
import { registerAllSegmentLinesRoute } from '../segments/lines/all-lines.js'
import { registerSegmentLineRoutes } from '../segments/lines/routes.js'
import { registerSegmentLogRoutes } from '../segments/log/routes.js'
import { registerSavedCriteriaRoutes } from '../segments/saved-criteria/routes.js'
import { registerMarketingSetupRoutes } from '../setup/marketing-setup.js'
import { registerProfileQuestionnaireRoutes } from '../setup/profile-questionnaires.js'
import { registerSetupResources } from '../setup/resources.js'
import { registerTestEmailRoute } from '../setup/test-email.js'
import { registerUserRoutes } from '../setup/users.js'

/** Every domain slice adds its routes here. */
export async function registerDomainRoutes(app: FastifyInstance): Promise<void> {
  // PostgreSQL's statistics of segment lines, refreshed after any route's bulk step: one refresher for the app,
  // so refreshes never run side by side. The database is closed after the last one.
  const statistics = lineStatistics(app.db.kysely, app.db.dialect, (err) =>
    app.log.warn({ err }, 'refreshing the statistics of segment lines failed'),
  )
  app.addHook('onClose', () => statistics.idle())
  app.decorate('lineStatistics', statistics)
  registerMarketingSetupRoutes(app)
  registerTestEmailRoute(app)
  registerSetupResources(app)
  registerUserRoutes(app)
  registerProfileQuestionnaireRoutes(app)
  registerCampaignRoutes(app)
  registerSegmentEngineRoutes(app, statistics)
  registerSegmentLineRoutes(app)
  registerAllSegmentLinesRoute(app)
  registerContactRoutes(app)
  registerContactImportExportRoutes(app)
  registerValueEntryRoutes(app)
  registerSegmentHeaderRoutes(app, statistics)
  registerSavedCriteriaRoutes(app, statistics)
  registerSegmentExportRoutes(app)
  registerSegmentLogRoutes(app, statistics)
  registerInteractionRoutes(app)
  registerCampaignActionRoutes(app)
}
