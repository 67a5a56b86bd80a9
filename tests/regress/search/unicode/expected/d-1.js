morgueSearch.load("d-1",{"zd":"Su*vi31$"});
