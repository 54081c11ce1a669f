extension BinaryInteger {
    /// The quotient rounded towards minus infinity (Swift's `/` rounds towards zero), for calendar arithmetic on
    /// times before 1970.
    func floorDivided(by divisor: Self) -> Self {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    /// The remainder of ``floorDivided(by:)``: between 0 and `divisor - 1` for a positive divisor.
    func floorModulo(_ divisor: Self) -> Self {
        self - floorDivided(by: divisor) * divisor
    }
}
