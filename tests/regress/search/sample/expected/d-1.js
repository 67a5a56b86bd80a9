morgueSearch.load("d-1",{"zd":"Sf]:tmewH1(TR"});
