import type { FastifyInstance } from 'fastify'
import { registerCampaignRoutes } from '../campaigns/campaigns.js'
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
}
