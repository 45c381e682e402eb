namespace Governance.Domain.Calendar;

/// <summary>
/// Dates of solar terms (节气) from the Sun's apparent ecliptic longitude, so Qingming (清明, longitude 15°) can be
/// dated in years without a published notice. Uses the low-accuracy solar theory of Meeus, Astronomical Algorithms
/// ch. 25 (about 0.01°, i.e. within about 15 minutes of the instant), which is enough for the calendar date except
/// when the term falls within minutes of midnight China time.
/// </summary>
public static class SolarTerms
{
    /// <summary>The Sun's apparent longitude at Qingming.</summary>
    public const double QingmingLongitudeDegrees = 15;

    private const double J2000 = 2451545.0;
    private static readonly DateTime J2000Utc = new(2000, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>The date in China of Qingming (清明) in <paramref name="year"/> (4 or 5 April in this era).</summary>
    public static DateOnly Qingming(int year) => ChinaTime.ToChinaDate(InstantOf(year, QingmingLongitudeDegrees, new DateTime(year, 4, 5, 0, 0, 0, DateTimeKind.Utc)));

    /// <summary>
    /// The instant (UTC) near <paramref name="guess"/> at which the Sun's apparent longitude is
    /// <paramref name="longitudeDegrees"/>. The guess must be within a few days of the answer.
    /// </summary>
    public static DateTimeOffset InstantOf(int year, double longitudeDegrees, DateTime guess)
    {
        double jde = ToJulianDay(guess);
        for (var i = 0; i < 20; i++)
        {
            // The Sun moves about 360° per 365.25 days: 58 days per radian of remaining angle (Meeus 27.2).
            double correction = 58 * Math.Sin(Radians(longitudeDegrees - ApparentLongitude(jde)));
            jde += correction;
            if (Math.Abs(correction) < 1e-7)
            {
                break;
            }
        }

        // jde is in Terrestrial Time; Universal Time is behind it by ΔT.
        var terrestrial = J2000Utc.AddDays(jde - J2000);
        return new DateTimeOffset(terrestrial.AddSeconds(-DeltaTSeconds(year)), TimeSpan.Zero);
    }

    /// <summary>The Sun's apparent geocentric longitude in degrees [0, 360) at Julian Ephemeris Day <paramref name="jde"/>.</summary>
    public static double ApparentLongitude(double jde)
    {
        double t = (jde - J2000) / 36525;
        double meanLongitude = 280.46646 + (36000.76983 * t) + (0.0003032 * t * t);
        double meanAnomaly = Radians(357.52911 + (35999.05029 * t) - (0.0001537 * t * t));
        double centre = ((1.914602 - (0.004817 * t) - (0.000014 * t * t)) * Math.Sin(meanAnomaly))
            + ((0.019993 - (0.000101 * t)) * Math.Sin(2 * meanAnomaly))
            + (0.000289 * Math.Sin(3 * meanAnomaly));
        double node = Radians(125.04 - (1934.136 * t));
        double apparent = meanLongitude + centre - 0.00569 - (0.00478 * Math.Sin(node));
        return ((apparent % 360) + 360) % 360;
    }

    private static double ToJulianDay(DateTime utc) => J2000 + (utc - J2000Utc).TotalDays;

    private static double Radians(double degrees) => degrees * Math.PI / 180;

    // ΔT = TT − UT (Espenak and Meeus polynomials): about a minute in this era; it matters only near midnight.
    private static double DeltaTSeconds(int year)
    {
        double y = year;
        if (year is >= 2005 and < 2050)
        {
            double t = y - 2000;
            return 62.92 + (0.32217 * t) + (0.005589 * t * t);
        }

        if (year is >= 1986 and < 2005)
        {
            double t = y - 2000;
            return 63.86 + (0.3345 * t) - (0.060374 * t * t) + (0.0017275 * t * t * t) + (0.000651814 * t * t * t * t) + (0.00002373599 * t * t * t * t * t);
        }

        double u = (y - 1820) / 100;
        return -20 + (32 * u * u);
    }
}
