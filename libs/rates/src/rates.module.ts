import { Module } from '@nestjs/common';
import { DirectoryModule } from '@yixin/directory';
import { CountCasesHandler } from './case-counts.queries';
import { GetRateRankingHandler, GetRatesHandler, RateReader } from './rates.queries';

/** The monthly rates of the organisations, their ranking, and the counts of cases. */
@Module({
  imports: [DirectoryModule],
  providers: [RateReader, GetRatesHandler, GetRateRankingHandler, CountCasesHandler],
  exports: [RateReader],
})
export class RatesModule {}
