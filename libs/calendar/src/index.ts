export { systemClock, type Clock } from "./clock";
export type { HolidayData } from "./holidayData";
export type { Pause } from "./pause";
export { WorkingDayCalendar, missingYearAlert } from "./workingDayCalendar";
