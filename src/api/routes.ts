import type { FastifyInstance } from 'fastify'
import { registerCampaignActionRoutes } from '../campaigns/campaign-actions.js'
import { registerCampaignRoutes } from '../campaigns/campaigns.js'
import { registerContactRoutes } from '../contacts/contact-routes.js'
import { registerContactImportExportRoutes } from '../contacts/import-export/routes.js'
import { registerInteractionRoutes } from '../interactions/routes.js'
import { registerValueEntryRoutes } from '../sales/value-entries.js'
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
import { registerUserRoutes } from '../setup/users.js'

/** Every domain slice adds its routes here. */
export async function registerDomainRoutes(app: FastifyInstance): Promise<void> {
  registerMarketingSetupRoutes(app)
  registerSetupResources(app)
  registerUserRoutes(app)
  registerProfileQuestionnaireRoutes(app)
  registerCampaignRoutes(app)
  registerSegmentEngineRoutes(app)
  registerSegmentLineRoutes(app)
  registerAllSegmentLinesRoute(app)
  registerContactRoutes(app)
  registerContactImportExportRoutes(app)
  registerValueEntryRoutes(app)
  registerSegmentHeaderRoutes(app)
  registerSavedCriteriaRoutes(app)
  registerSegmentExportRoutes(app)
  registerSegmentLogRoutes(app)
  registerInteractionRoutes(app)
  registerCampaignActionRoutes(app)
}
