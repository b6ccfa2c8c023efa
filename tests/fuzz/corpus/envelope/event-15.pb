>npm.changed"
2025-04-02*NGAŠ
NHRC and partnersmultiple